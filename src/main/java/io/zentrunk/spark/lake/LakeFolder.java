package io.zentrunk.spark.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What both formats check about a {@code --lake} folder before they touch it: that it holds nothing but a lake. */
final class LakeFolder {

  private LakeFolder() {}

  /**
   * Refuses a location that is a file or holds an entry that is neither {@code allowed} nor hidden; an absent
   * location is a new lake.
   *
   * @param holds what a lake of this format holds, for the message (e.g. "an Iceberg CDR lake holds only cdrs/")
   * @throws LakeUsageException in one line naming {@code --lake} and the entry
   */
  static void checkLayout(FileSystem fs, Path root, String location, String holds, Predicate<FileStatus> allowed)
      throws IOException {
    // an absent location, or one that vanishes between two looks, is a new lake: on S3 a folder is only the keys
    // under its prefix, and while another run creates the lake the only key there may be one it deletes next (two
    // first ingests of a new lake started together: IcebergS3WritersIT once failed so, in one run of ten)
    Optional<String> stray;
    try {
      if (!fs.getFileStatus(root).isDirectory()) {
        throw somethingElse(location, "it is a file", holds);
      }
      stray = stray(fs, root, allowed);
    } catch (FileNotFoundException vanished) {
      return;
    }
    if (stray.isPresent()) {
      throw somethingElse(location, "'" + stray.get() + "'", holds);
    }
  }

  /** The name of the first entry of the folder {@code dir} that is neither {@code allowed} nor hidden. */
  static Optional<String> stray(FileSystem fs, Path dir, Predicate<FileStatus> allowed) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (!allowed.test(s) && !hidden(name)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  static LakeUsageException somethingElse(String location, String what, String holds) {
    return new LakeUsageException("--lake " + location + " holds something else: " + what + "; " + holds
        + " (use an empty folder or an existing lake)");
  }

  /** Names that Spark and Hadoop treat as hidden: _SUCCESS, _temporary, .crc files, our temp state and lock files. */
  static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }
}
