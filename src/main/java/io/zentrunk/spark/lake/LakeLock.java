package io.zentrunk.spark.lake;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer at a time on a lake folder: {@code <lake>/_zentrunk_lock}. A second ingest fails at once, in one
 * line naming the holder, before it reads anything.
 *
 * <ul>
 *   <li>Local disk: an operating-system lock on the file ({@link FileChannel#tryLock()}). Exact, and released
 *       by the kernel when the process dies, SIGKILL included: a killed run never blocks the next one.
 *   <li>Object stores and HDFS: a lease object (owner, expiry) that the holder renews every minute and that
 *       expires {@link #TTL} after the last renewal, taken and renewed with conditional writes where the store
 *       has them (S3 since 2024, S3A of Hadoop 3.4.2): atomic, so exactly one of two runs holds it, without any
 *       timing assumption. After a crash the next run takes over an expired lease or is told how long to wait.
 *       Where the store has no conditional writes, a lease that exists is never taken over (see {@link Lease}).
 * </ul>
 *
 * A lock does not stop writers that are not this job (a compaction, another tool); for that a catalog with
 * atomic commits is needed ({@code --table}).
 */
abstract class LakeLock implements AutoCloseable {

  static final String NAME = "_zentrunk_lock";
  static final Duration TTL = Duration.ofMinutes(5);
  static final Duration RENEW = Duration.ofMinutes(1);
  /** Hadoop setting: the lease's time to live in seconds (default 300); tests shorten it. */
  static final String TTL_KEY = "zentrunk.lake.lease-seconds";
  /** Hadoop's option for an overwrite of exactly the version with this ETag (S3A: {@code If-Match}). */
  static final String IF_MATCH = "fs.option.create.conditional.overwrite.etag";

  /** A line for the run's output about how far the lock can be trusted, or null. */
  String note;

  /** Who holds the lock, for the messages: process id, host and start time. */
  static String holder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return "ingest pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now();
  }

  static LakeLock acquire(FileSystem fs, Path root, String lake) {
    Path file = new Path(root, NAME);
    if ("file".equalsIgnoreCase(fs.getUri().getScheme())) {
      return Local.acquire(Paths.get(file.toUri()), lake);
    }
    return Lease.acquire(fs, file, lake);
  }

  /** @throws LakeConflictException when this process no longer holds the lock (a lease taken over after expiry) */
  abstract void check();

  @Override
  public abstract void close();

  static LakeConflictException held(String lake, String by) {
    return new LakeConflictException("another ingest is writing to " + lake + " (" + by.strip()
        + "); nothing was changed: run again when it is done");
  }

  private static final class Local extends LakeLock {
    private final FileChannel channel;
    private final FileLock lock;

    private Local(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static Local acquire(java.nio.file.Path file, String lake) {
      try {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
          lock = null;
        }
        if (lock == null) {
          String by = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
          ch.close();
          throw held(lake, by.isBlank() ? "lock " + file : by);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((holder() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new Local(ch, lock);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot lock " + file, e);
      }
    }

    @Override
    void check() {
      if (!lock.isValid()) {
        throw new LakeConflictException("lost the lock on the lake");
      }
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A lease object on a store with conditional writes: taken by a create-if-absent, taken over after expiry and
   * renewed by an overwrite that names the version it replaces ({@code If-Match} on its ETag), so each step is one
   * atomic request and two writers can never both hold it. On a store without them, a lease that exists is never
   * taken over (that would be a guess): the next run is refused until it is released or deleted by hand.
   */
  private static final class Lease extends LakeLock {
    private final FileSystem fs;
    private final Path file;
    private final String lake;
    private final boolean conditional;
    private final Duration ttl;
    private final String owner = UUID.randomUUID().toString();
    private final String holder = holder();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final Thread renewer;
    private volatile String etag;
    private volatile boolean closed;

    private Lease(FileSystem fs, Path file, String lake, boolean conditional) {
      this.fs = fs;
      this.file = file;
      this.lake = lake;
      this.conditional = conditional;
      this.ttl = Duration.ofSeconds(fs.getConf().getLong(TTL_KEY, TTL.toSeconds()));
      this.renewer = new Thread(this::renewLoop, "zentrunk-lake-lease");
      this.renewer.setDaemon(true);
    }

    static Lease acquire(FileSystem fs, Path file, String lake) {
      ConditionalWrites.Support support;
      try {
        support = ConditionalWrites.probe(fs, file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file.getParent(), e);
      }
      Lease l = new Lease(fs, file, lake, support == ConditionalWrites.Support.HONOURED);
      try {
        if (l.conditional) {
          l.takeConditionally();
        } else {
          l.takeIfAbsent(support);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot take the lease " + file, e);
      }
      l.renewer.start();
      return l;
    }

    private void takeConditionally() throws IOException {
      if (ConditionalWrites.createIfAbsent(fs, file, content())) {
        etag = etagNow();
        return;
      }
      FileStatus seen;
      String[] current;
      try {
        seen = fs.getFileStatus(file);
        current = read();
      } catch (FileNotFoundException released) {
        takeConditionally(); // released between the create and the read: try once more
        return;
      }
      if (current == null) {
        takeConditionally();
        return;
      }
      // Expiry on the store's clock only: the lease's last write (its modification time) against the modification
      // time of an object written now, both stamped by the store. No two hosts' clocks are compared. One second
      // more, as S3 stamps whole seconds.
      long left = seen.getModificationTime() + ttlOf(current).toMillis() + 1000
          - ConditionalWrites.storeNow(fs, file.getParent());
      if (left > 0) {
        throw held(lake, current[2] + ", lease " + file + " valid for " + (left + 999) / 1000
            + " s more by the store's clock");
      }
      // expired: replace exactly the version read; of two runs taking over, the store lets one through
      if (!overwriteIf(etagOf(seen))) {
        String[] now = read();
        throw held(lake, (now == null ? "another run" : now[2]) + ", lease " + file + " taken over just now");
      }
    }

    /** The holder's time to live, as its lease says (a lease of an older version holds an expiry instead: TTL). */
    private static Duration ttlOf(String[] lease) {
      try {
        return Duration.ofSeconds(Long.parseLong(lease[1].strip()));
      } catch (NumberFormatException olderLease) {
        return TTL;
      }
    }

    private void takeIfAbsent(ConditionalWrites.Support support) throws IOException {
      String why = support == ConditionalWrites.Support.STORE_IGNORES
          ? "this store ignores conditional writes (If-None-Match)"
          : "this file system cannot make conditional writes (S3A of Hadoop 3.4.2 or later with fs.s3a.create.conditional.enabled can)";
      String[] current = read();
      if (current != null) {
        throw new LakeConflictException("another ingest holds " + file + " (" + current[2] + "); " + why
            + ", so a lease is never taken over: delete it if no ingest is running, then run again");
      }
      try (OutputStream out = fs.create(file, false)) {
        out.write(content());
      }
      note = "the lease " + file + " is not atomic: " + why + "; run one ingest at a time on " + lake;
    }

    private byte[] content() {
      // the time to live, not an expiry instant: a taker measures it on the store's clock, not on this host's
      return (owner + "\n" + ttl.toSeconds() + "\n" + holder + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String etagOf(FileStatus s) throws IOException {
      if (s instanceof EtagSource e && e.getEtag() != null && !e.getEtag().isEmpty()) {
        return e.getEtag();
      }
      throw new IOException("the store gives no ETag for " + s.getPath());
    }

    private String etagNow() throws IOException {
      return etagOf(fs.getFileStatus(file));
    }

    /** Renews the lease if it is still the version this run last wrote; false if someone replaced it. */
    private synchronized boolean renewIfMine() throws IOException {
      return overwriteIf(etag);
    }

    /** Replaces the lease if it is still the version {@code expected}; false if someone replaced it. */
    private synchronized boolean overwriteIf(String expected) throws IOException {
      try (FSDataOutputStream out = (FSDataOutputStream) fs.createFile(file).overwrite(true)
          .must(IF_MATCH, expected).build()) {
        out.write(content());
      } catch (FileNotFoundException gone) {
        return false;
      } catch (IOException | java.io.UncheckedIOException e) {
        if (ConditionalWrites.preconditionFailed(e)) {
          return false;
        }
        throw e;
      }
      etag = etagNow();
      return true;
    }

    /** owner, expiry, holder; null if there is no lease */
    private String[] read() {
      try (InputStream in = fs.open(file)) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        String[] lines = b.toString(StandardCharsets.UTF_8).split("\n", 3);
        if (lines.length < 3) {
          return new String[] {"", "0", "unreadable lease"};
        }
        lines[2] = lines[2].strip();
        return lines;
      } catch (FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }

    private boolean mine() {
      String[] now = read();
      return now != null && now[0].equals(owner);
    }

    private void renewLoop() {
      long every = Math.max(200, ttl.toMillis() / 5);
      while (!closed) {
        try {
          Thread.sleep(every);
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        try {
          if (conditional) {
            if (!renewIfMine()) {
              lost.set(true);
              return;
            }
          } else if (!mine()) {
            lost.set(true);
            return;
          } else {
            try (OutputStream out = fs.create(file, true)) {
              out.write(content());
            }
          }
        } catch (IOException | RuntimeException e) {
          // a failed renewal is retried at the next turn; the lease is valid for five of them
        }
      }
    }

    /**
     * Where the store has conditional writes, the check is itself a write: a renewal that the store accepts only if
     * the lease is still the version this run wrote (If-Match), so a run that paused longer than the lease after its
     * last renewal, and was taken over meanwhile, is refused by the store whatever it believes; and a run that
     * passes holds the lease for a full time to live from this moment. Elsewhere it is a read of the owner.
     */
    @Override
    void check() {
      boolean held;
      try {
        held = !lost.get() && (conditional ? renewIfMine() : mine());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot check the lease " + file, e);
      }
      if (!held) {
        lost.set(true);
        throw new LakeConflictException("the lease on " + lake + " was taken over (" + file
            + "); this run committed nothing: run again");
      }
    }

    @Override
    public void close() {
      closed = true;
      renewer.interrupt();
      try {
        if (mine()) {
          fs.delete(file, false);
        }
      } catch (IOException | RuntimeException e) {
        // the lease expires by itself
      }
    }
  }
}
