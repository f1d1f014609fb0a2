package io.zentrunk.spark.emulator;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One synthetic CDR, one component per JSON field of the Zentrunk list-calls API (camelCase of
 * the JSON name). The server sends exactly these values: money as 5-decimal strings, times as
 * {@code YYYY-MM-DD HH:MM:SS} UTC, {@code answer_time} absent when {@code answerTime} is null,
 * {@code trunk_id} absent when {@code trunkId} is null, {@code attestation_indicator} the string
 * {@code "null"} when {@code attestationIndicator} is null.
 */
public record EmulatedCall(
    String callUuid,
    String callId,
    String fromNumber,
    String toNumber,
    String callDirection,
    int callDuration,
    int billDuration,
    int billedDuration,
    Instant initiationTime,
    Instant answerTime,
    Instant endTime,
    int hangupCauseCode,
    String hangupCauseName,
    String hangupSource,
    BigDecimal totalRate,
    BigDecimal totalAmount,
    BigDecimal secureTrunkingRate,
    String trunkDomain,
    String trunkId,
    String fromCountry,
    String toCountry,
    String transportProtocol,
    boolean srtp,
    boolean secureTrunking,
    String stirVerification,
    String attestationIndicator,
    boolean cnamLookup,
    BigDecimal cnamLookupRate) {

  /** The same call, its CDR without {@code to_country}. */
  EmulatedCall withoutToCountry() {
    return new EmulatedCall(callUuid, callId, fromNumber, toNumber, callDirection, callDuration, billDuration,
        billedDuration, initiationTime, answerTime, endTime, hangupCauseCode, hangupCauseName, hangupSource, totalRate,
        totalAmount, secureTrunkingRate, trunkDomain, trunkId, fromCountry, null, transportProtocol, srtp,
        secureTrunking, stirVerification, attestationIndicator, cnamLookup, cnamLookupRate);
  }
}
