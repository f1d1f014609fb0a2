package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake's folder that vanishes while it is looked at: on S3 a folder is the keys under its prefix, and while another
 * run creates a new lake the only key may be one that run deletes next (IcebergS3WritersIT once failed so: the second
 * of two first ingests ended with "cannot be read: No such file or directory" before it opened the lake).
 */
class LakeFolderTest {

  @TempDir java.nio.file.Path tmp;

  /** Local files where another run deletes the folder right before the {@code n}-th look at it. */
  static final class VanishesAt extends FilterFileSystem {
    private final Path root;
    private final int at;
    private int looks;
    boolean vanished;

    VanishesAt(FileSystem local, Path root, int at) {
      super(local);
      this.root = root;
      this.at = at;
    }

    private void look() throws IOException {
      if (++looks == at) {
        vanished = super.delete(root, true);
      }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      look();
      return super.getFileStatus(f);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
      look();
      return super.listStatus(f);
    }
  }

  @Test
  void aFolderThatVanishesBetweenTwoLooksIsANewLakeNotAnError() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    for (int at = 1; at <= 2; at++) {
      java.nio.file.Path dir = Files.createDirectories(tmp.resolve("lake" + at));
      Files.writeString(dir.resolve("_zentrunk_tmp"), "another run's key, deleted next");
      Path root = new Path(dir.toUri());
      VanishesAt fs = new VanishesAt(local, root, at);
      assertThatCode(() -> LakeFolder.checkLayout(fs, root, root.toString(), "a lake holds only cdrs/", s -> false))
          .as("vanished at look %d", at).doesNotThrowAnyException();
      assertThat(fs.vanished).as("the folder was deleted at look %d", at).isTrue();
    }
  }

  @Test
  void aFolderThatStaysIsStillChecked() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    java.nio.file.Path dir = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(dir.resolve("notes.txt"), "not a lake");
    Path root = new Path(dir.toUri());
    assertThatThrownBy(() -> LakeFolder.checkLayout(local, root, "/x", "a lake holds only cdrs/", s -> false))
        .isInstanceOf(LakeUsageException.class).hasMessageContaining("'notes.txt'");
    java.nio.file.Path file = Files.writeString(tmp.resolve("afile"), "x");
    assertThatThrownBy(() -> LakeFolder.checkLayout(local, new Path(file.toUri()), "/y", "a lake holds only cdrs/",
        s -> false)).isInstanceOf(LakeUsageException.class).hasMessageContaining("it is a file");
  }
}
