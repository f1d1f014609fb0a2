package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telling the format of a lake while another run creates it: two first ingests of a new lake started together
 * (the second one must not take the Iceberg lake in the making for a Parquet lake holding something else and exit
 * before it even opens the lake).
 */
class LakesTest {

  @TempDir java.nio.file.Path tmp;

  /** Local files where another run creates the Iceberg table's first metadata file right after the n-th check. */
  static final class CreatedAfter extends FilterFileSystem {
    private final Path root;
    private final int after;
    private int checks;
    boolean created;

    CreatedAfter(FileSystem local, Path root, int after) {
      super(local);
      this.root = root;
      this.after = after;
    }

    @Override
    public boolean exists(Path f) throws IOException {
      boolean answer = super.exists(f);
      if (++checks == after) {
        try (var out = super.create(new Path(root, "cdrs/metadata/v1.metadata.json"), false)) {
          out.write('{');
        }
        created = true;
      }
      return answer;
    }
  }

  @Test
  void anIcebergLakeInTheMakingIsNeverTakenForAParquetLake() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    for (int after = 1; after <= 3; after++) {
      Path root = new Path(Files.createDirectories(tmp.resolve("lake" + after)).toUri());
      CreatedAfter fs = new CreatedAfter(local, root, after);
      LakeFormat seen = Lakes.detect(fs, root);
      assertThat(fs.created).as("the table was created after check " + after).isTrue();
      assertThat(seen).as("created after check " + after).isNotEqualTo(LakeFormat.PARQUET);
      assertThat(Lakes.detect(local, root)).isEqualTo(LakeFormat.ICEBERG);
    }
  }

  @Test
  void aParquetLakeAndNoLake() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    Path none = new Path(tmp.resolve("none").toUri());
    assertThat(Lakes.detect(local, none)).isNull();
    Path parquet = new Path(Files.createDirectories(tmp.resolve("p/cdrs/end_date=2026-11-01")).getParent().getParent().toUri());
    assertThat(Lakes.detect(local, parquet)).isEqualTo(LakeFormat.PARQUET);
  }
}
