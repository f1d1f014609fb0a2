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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *       expires {@link #TTL} after the last renewal. It is written, then read back {@link #SETTLE} later: of
 *       two writers that raced, both read the same last PUT, so exactly one goes on (this holds as long as a
 *       PUT takes less than {@code SETTLE}). After a crash the next run waits out the expiry or is told how
 *       long to wait.
 * </ul>
 *
 * A lock does not stop writers that are not this job (a compaction, another tool); for that a catalog with
 * atomic commits is needed ({@code --table}).
 */
abstract class LakeLock implements AutoCloseable {

  static final String NAME = "_zentrunk_lock";
  static final Duration TTL = Duration.ofMinutes(5);
  static final Duration RENEW = Duration.ofMinutes(1);
  static final Duration SETTLE = Duration.ofSeconds(2);

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
    return Lease.acquire(fs, file, lake, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  /** How the lease waits out {@link #SETTLE}: {@link Thread#sleep} in a run, a step of a fake clock in tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
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

  static final class Lease extends LakeLock {
    private final FileSystem fs;
    private final Path file;
    private final String lake;
    private final String owner = UUID.randomUUID().toString();
    private final String holder = holder();
    private final Clock clock;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final Thread renewer;
    private volatile boolean closed;

    private Lease(FileSystem fs, Path file, String lake, Clock clock) {
      this.fs = fs;
      this.clock = clock;
      this.file = file;
      this.lake = lake;
      this.renewer = new Thread(this::renewLoop, "zentrunk-lake-lease");
      this.renewer.setDaemon(true);
    }

    /** Takes the lease at {@code file}, on {@code fs} (an object store or HDFS in a run). */
    static Lease acquire(FileSystem fs, Path file, String lake, Clock clock, Sleeper settle) {
      Lease l = new Lease(fs, file, lake, clock);
      String[] current = l.read();
      if (current != null && !current[0].equals(l.owner) && Instant.parse(current[1]).isAfter(clock.instant())) {
        throw held(lake, current[2] + ", lease " + file + " valid until " + current[1]);
      }
      l.write();
      try {
        settle.sleep(SETTLE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LakeConflictException("interrupted while taking the lease on " + lake, e);
      }
      String[] back = l.read();
      if (back == null || !back[0].equals(l.owner)) {
        throw held(lake, back == null ? "lease " + file + " removed" : back[2] + ", lease " + file);
      }
      l.renewer.start();
      return l;
    }

    /** owner, expiry, holder; null if there is no lease */
    private String[] read() {
      try (InputStream in = fs.open(file)) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        String[] lines = b.toString(StandardCharsets.UTF_8).split("\n", 3);
        if (lines.length < 3) {
          return new String[] {"", Instant.EPOCH.toString(), "unreadable lease"};
        }
        lines[2] = lines[2].strip();
        return lines;
      } catch (FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }

    private void write() {
      try (OutputStream out = fs.create(file, true)) {
        out.write((owner + "\n" + clock.instant().plus(TTL) + "\n" + holder + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }

    private void renewLoop() {
      while (!closed) {
        try {
          Thread.sleep(RENEW.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        try {
          if (!renew()) {
            lost.set(true);
            return;
          }
        } catch (RuntimeException e) {
          // a failed renewal is retried a minute later; the lease is valid for five
        }
      }
    }

    /** Extends the lease by {@link #TTL} from now; false, changing nothing, when someone else holds it. */
    boolean renew() {
      String[] now = read();
      if (now == null || !now[0].equals(owner)) {
        return false;
      }
      write();
      return true;
    }

    @Override
    void check() {
      String[] now = read();
      if (lost.get() || now == null || !now[0].equals(owner)) {
        throw new LakeConflictException("the lease on " + lake + " was taken over (" + file
            + "); this run committed nothing: run again");
      }
    }

    @Override
    public void close() {
      closed = true;
      renewer.interrupt();
      try {
        String[] now = read();
        if (now != null && now[0].equals(owner)) {
          fs.delete(file, false);
        }
      } catch (IOException | RuntimeException e) {
        // the lease expires by itself
      }
    }
  }
}
