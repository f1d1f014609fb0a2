package io.zentrunk.spark.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Create-if-absent on an object store: S3A's conditional create ({@code PUT} with {@code If-None-Match: *}, Hadoop
 * 3.4.2 and later, {@code fs.option.create.conditional.overwrite}). Of two writers that create the same key, the
 * store lets exactly one succeed and answers the other 412, whatever the time between their checks and writes:
 * the primitive that makes an S3 path lake's lock and commits atomic.
 */
final class ConditionalWrites {

  /** Hadoop's option for a create that fails if the object exists (S3A: {@code If-None-Match: *}). */
  static final String CREATE_IF_ABSENT = "fs.option.create.conditional.overwrite";

  private ConditionalWrites() {}

  /** What the store does with a conditional create, found by {@link #probe}. */
  enum Support {
    /** a second create of the same key is refused: creates are atomic */
    HONOURED,
    /** the client cannot send it (Hadoop before 3.4.2, or {@code fs.s3a.create.conditional.enabled=false}) */
    CLIENT_CANNOT,
    /** the store accepted a second create of the same key: it ignores {@code If-None-Match} */
    STORE_IGNORES
  }

  /**
   * Creates {@code file} with {@code bytes} unless it exists.
   *
   * @return true if this call created it, false if it existed (another writer's create won)
   * @throws IOException for any other failure, including a client that cannot make conditional writes
   */
  static boolean createIfAbsent(FileSystem fs, Path file, byte[] bytes) throws IOException {
    if (!fs.hasPathCapability(file, CREATE_IF_ABSENT)) {
      throw new IOException("conditional writes unavailable for " + file);
    }
    try (FSDataOutputStream out = (FSDataOutputStream) fs.createFile(file).overwrite(true)
        .must(CREATE_IF_ABSENT, true).build()) {
      out.write(bytes);
    } catch (IOException | java.io.UncheckedIOException e) {
      if (preconditionFailed(e)) {
        return false;
      }
      throw e;
    }
    return true;
  }

  /**
   * The store answered 412 PreconditionFailed. S3A raises it at close, usually as {@code RemoteFileChangedException},
   * but not on every path (a failed block upload can surface as an {@code AWSS3IOException} over the SDK's
   * {@code S3Exception}): so any exception in the chain that is one of those, or that carries HTTP status 412
   * ({@code statusCode()} of the SDK's and S3A's service exceptions), counts. Matched by name and reflection:
   * hadoop-aws and the SDK are on the classpath only where S3A is used, and local lakes must load this class.
   */
  static boolean preconditionFailed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileAlreadyExistsException
          || t.getClass().getName().equals("org.apache.hadoop.fs.s3a.RemoteFileChangedException")
          || status(t) == 412) {
        return true;
      }
    }
    return false;
  }

  private static int status(Throwable t) {
    try {
      java.lang.reflect.Method m = t.getClass().getMethod("statusCode");
      Object v = m.invoke(t);
      return v instanceof Integer i ? i : -1;
    } catch (ReflectiveOperationException | RuntimeException notAServiceException) {
      return -1;
    }
  }

  /**
   * The store's clock now: the modification time of a fresh object written under {@code dir} (then deleted), as
   * the store stamps it. Compared with other objects' modification times, it measures ages on one clock only.
   */
  static long storeNow(FileSystem fs, Path dir) throws IOException {
    Path probe = new Path(dir, "_zentrunk_clock_" + UUID.randomUUID());
    try {
      try (FSDataOutputStream out = fs.create(probe, true)) {
        out.write(new byte[] {1});
      }
      return fs.getFileStatus(probe).getModificationTime();
    } finally {
      try {
        fs.delete(probe, false);
      } catch (FileNotFoundException gone) {
        // nothing to delete
      }
    }
  }

  /**
   * Finds out, with two creates of one fresh key under {@code dir} (then deleted), whether the store honours
   * conditional creates. Three requests; a store that silently ignores the header cannot be told apart otherwise.
   */
  static Support probe(FileSystem fs, Path dir) throws IOException {
    Path probe = new Path(dir, "_zentrunk_conditional_probe_" + UUID.randomUUID());
    if (!fs.hasPathCapability(probe, CREATE_IF_ABSENT)) {
      return Support.CLIENT_CANNOT;
    }
    try {
      if (!createIfAbsent(fs, probe, new byte[] {1})) {
        throw new IOException("a fresh key " + probe + " exists already");
      }
      return createIfAbsent(fs, probe, new byte[] {2}) ? Support.STORE_IGNORES : Support.HONOURED;
    } finally {
      try {
        fs.delete(probe, false);
      } catch (FileNotFoundException gone) {
        // nothing to delete
      }
    }
  }
}
