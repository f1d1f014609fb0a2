package io.zentrunk.spark.emulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A trunk's concurrent-call limit at the emulator ({@link EmulatorConfig.TrunkLimit}): of the account's calls on
 * that {@code trunk_id} initiated in {@code [from, to)}, taken in order of initiation (then call_uuid), a call that
 * finds {@code channels} calls of the trunk already up is refused, 5190 concurrent_call_limit_exceeded; the others are
 * carried as generated. So the trunk never carries more than {@code channels} calls at once from {@code from} on
 * (calls up before {@code from} count as up; once they end, the limit holds).
 *
 * <p>A refused call keeps its uuid and {@code end_time} and is recorded as refused within 0-2 s of it: nothing
 * answered or billed, no media. The emulator counts the calls of a minute without drawing them (the count of
 * calls ending in a minute must not depend on their fields), so the refusal is recorded at the second the call would
 * have ended, not the second it was attempted: a refused attempt appears later than it happened by its would-be
 * holding time (a median of about 75 s). The decision is computed once, over the span's calls, the first time a call
 * of the trunk is drawn.
 */
final class TrunkLimiter {

  /** The longest a generated call is up: 4 h of talk, 20 s of ringing, and room to spare. */
  static final long MAX_HOLD_SECONDS = 4 * 3600 + 120;

  private final EmulatorConfig.TrunkLimit limit;
  private final CallGenerator generator;
  private final long seed;
  private volatile Set<String> refused;

  TrunkLimiter(EmulatorConfig.TrunkLimit limit, CallGenerator generator, long seed) {
    this.limit = limit;
    this.generator = generator;
    this.seed = seed;
  }

  /** {@code c} as the limit leaves it: refused (5190) or as generated. */
  EmulatedCall apply(EmulatedCall c) {
    if (!limit.trunkId().equals(c.trunkId())) {
      return c;
    }
    long init = c.initiationTime().getEpochSecond();
    if (init < limit.from().getEpochSecond() || init >= limit.to().getEpochSecond() || !refused().contains(c.callUuid())) {
      return c;
    }
    HangupCodes.Code code = HangupCodes.get(5190);
    int held = Seeds.rng(seed, c.callUuid().hashCode(), 17).nextInt(3);
    return new EmulatedCall(c.callUuid(), c.callId(), c.fromNumber(), c.toNumber(), c.callDirection(), 0, 0, 0,
        c.endTime().minusSeconds(held), null, c.endTime(), code.code(), code.name(), code.source(), c.totalRate(),
        CallDetails.ZERO5, c.secureTrunkingRate(), c.trunkDomain(), c.trunkId(), c.fromCountry(), c.toCountry(),
        c.transportProtocol(), c.srtp(), c.secureTrunking(), c.stirVerification(), c.attestationIndicator(), false,
        CallDetails.ZERO5);
  }

  private Set<String> refused() {
    Set<String> r = refused;
    if (r == null) {
      synchronized (this) {
        r = refused;
        if (r == null) {
          r = sweep();
          refused = r;
        }
      }
    }
    return r;
  }

  /** The uuids refused: one pass over the trunk's calls ending from {@code from} until the span's last could end. */
  private Set<String> sweep() {
    long from = limit.from().getEpochSecond();
    long to = limit.to().getEpochSecond();
    List<EmulatedCall> calls = new ArrayList<>();
    for (long m = Math.floorDiv(from, 60); m <= Math.floorDiv(to + MAX_HOLD_SECONDS, 60); m++) {
      MinuteBucket b = generator.generate(m);
      for (int i = 0; i < b.size(); i++) {
        EmulatedCall c = b.generatedCall(i);
        // attempts the generator already made refused (an injected busy hour) hold nothing
        if (limit.trunkId().equals(c.trunkId()) && c.hangupCauseCode() != 5180 && c.hangupCauseCode() != 5190) {
          calls.add(c);
        }
      }
    }
    calls.sort(Comparator.comparing(EmulatedCall::initiationTime).thenComparing(EmulatedCall::callUuid));
    PriorityQueue<Long> upUntil = new PriorityQueue<>();
    Set<String> out = new HashSet<>();
    for (EmulatedCall c : calls) {
      long init = c.initiationTime().getEpochSecond();
      while (!upUntil.isEmpty() && upUntil.peek() <= init) {
        upUntil.poll();
      }
      if (init >= from && init < to && upUntil.size() >= limit.channels()) {
        out.add(c.callUuid());
      } else {
        upUntil.add(c.endTime().getEpochSecond());
      }
    }
    return out;
  }
}
