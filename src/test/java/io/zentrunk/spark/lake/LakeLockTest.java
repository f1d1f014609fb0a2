package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake lock without Spark: the operating-system lock of a local folder, and the lease of object stores
 * driven by a fake clock (the lease file lives on the local file system, through the same Hadoop API).
 */
class LakeLockTest {

  @TempDir java.nio.file.Path tmp;

  private static FileSystem local() throws IOException {
    return FileSystem.getLocal(new Configuration());
  }

  @Test
  void aLocalLakeHasOneHolderUntilItCloses() throws IOException {
    Path root = new Path(tmp.resolve("lake").toUri());
    LakeLock first = LakeLock.acquire(local(), root, "--lake L");
    assertThat(Files.readString(tmp.resolve("lake").resolve(LakeLock.NAME))).startsWith("ingest pid "
        + ProcessHandle.current().pid());
    assertThatThrownBy(() -> LakeLock.acquire(local(), root, "--lake L"))
        .isInstanceOf(LakeConflictException.class)
        .hasMessageStartingWith("another ingest is writing to --lake L (ingest pid " + ProcessHandle.current().pid())
        .hasMessageEndingWith("nothing was changed: run again when it is done")
        .hasMessageNotContaining("\n");
    assertThatCode(first::check).doesNotThrowAnyException();
    first.close();
    assertThatThrownBy(first::check).isInstanceOf(LakeConflictException.class);
    try (LakeLock second = LakeLock.acquire(local(), root, "--lake L")) {
      assertThatCode(second::check).doesNotThrowAnyException();
    }
  }

  /** A clock that moves only when told; its {@code sleep} is the lease's settle wait. */
  private static final class FakeClock extends Clock {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    final List<Duration> slept = new ArrayList<>();

    void sleep(Duration d) {
      slept.add(d);
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private Path leaseFile() {
    return new Path(tmp.resolve("s3lake").resolve(LakeLock.NAME).toUri());
  }

  private static void put(FileSystem fs, Path file, String owner, Instant expiry) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write((owner + "\n" + expiry + "\nsomeone else\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aLeaseRefusesASecondWriterUntilItExpiresThenTheFirstLearnsItLostIt() throws IOException {
    FakeClock clock = new FakeClock();
    FileSystem fs = local();
    LakeLock.Lease a = LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, clock::sleep);
    try {
      assertThat(clock.slept).containsExactly(LakeLock.SETTLE);
      assertThatCode(a::check).doesNotThrowAnyException();
      Instant t0 = Instant.parse("2026-11-28T12:00:00Z");
      clock.now = t0.plus(LakeLock.TTL).minusSeconds(1);
      assertThatThrownBy(() -> LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, clock::sleep))
          .isInstanceOf(LakeConflictException.class)
          .hasMessageStartingWith("another ingest is writing to --lake s3a://b/l (ingest pid ")
          .hasMessageContaining("valid until " + t0.plus(LakeLock.TTL))
          .hasMessageNotContaining("\n");
      // a renewal moves the expiry to TTL after now: a second writer is still refused after the first expiry
      assertThat(a.renew()).isTrue();
      clock.now = t0.plus(LakeLock.TTL).plus(LakeLock.TTL).minusSeconds(2);
      assertThatThrownBy(() -> LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, clock::sleep))
          .isInstanceOf(LakeConflictException.class);
      // a holder that stopped renewing (a crashed run): after the expiry the next run takes over
      clock.now = t0.plus(LakeLock.TTL).plus(LakeLock.TTL);
      try (LakeLock.Lease b = LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, clock::sleep)) {
        assertThatCode(b::check).doesNotThrowAnyException();
        assertThatThrownBy(a::check).isInstanceOf(LakeConflictException.class)
            .hasMessageContaining("was taken over").hasMessageContaining("committed nothing");
        assertThat(a.renew()).as("the old holder does not take the lease back").isFalse();
        assertThatCode(b::check).doesNotThrowAnyException();
        a.close(); // must not delete b's lease
        assertThat(fs.exists(leaseFile())).isTrue();
      }
      assertThat(fs.exists(leaseFile())).as("closing removes one's own lease").isFalse();
    } finally {
      a.close();
    }
  }

  @Test
  void ofTwoWritersThatRacedOnlyTheLastPutGoesOn() throws IOException {
    FakeClock clock = new FakeClock();
    FileSystem fs = local();
    // the other writer's PUT lands while this one waits out SETTLE
    assertThatThrownBy(() -> LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, d -> {
      clock.sleep(d);
      try {
        put(fs, leaseFile(), "other-owner", clock.instant().plus(LakeLock.TTL));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    })).isInstanceOf(LakeConflictException.class).hasMessageContaining("someone else");
    assertThat(new String(fs.open(leaseFile()).readAllBytes(), StandardCharsets.UTF_8)).startsWith("other-owner\n");
    // the other writer's lease is removed meanwhile: refused as well, nothing is taken
    Path gone = new Path(tmp.resolve("gone").resolve(LakeLock.NAME).toUri());
    assertThatThrownBy(() -> LakeLock.Lease.acquire(fs, gone, "--lake s3a://b/g", clock, d -> {
      try {
        fs.delete(gone, false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    })).isInstanceOf(LakeConflictException.class).hasMessageContaining("removed");
  }

  @Test
  void anExpiredOrUnreadableLeaseIsTakenOver() throws IOException {
    FakeClock clock = new FakeClock();
    FileSystem fs = local();
    put(fs, leaseFile(), "dead-owner", clock.instant().minusSeconds(1));
    try (LakeLock.Lease l = LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, clock::sleep)) {
      assertThatCode(l::check).doesNotThrowAnyException();
    }
    try (OutputStream out = fs.create(leaseFile(), true)) {
      out.write("garbage".getBytes(StandardCharsets.UTF_8));
    }
    try (LakeLock.Lease l = LakeLock.Lease.acquire(fs, leaseFile(), "--lake s3a://b/l", clock, clock::sleep)) {
      assertThatCode(l::check).doesNotThrowAnyException();
    }
  }
}
