package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake lock of a local folder without Spark: the operating-system lock. (The object-store lease, made of
 * conditional writes, is tested against an S3 server in IcebergS3WritersIT and IcebergLakeIT.)
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
}
