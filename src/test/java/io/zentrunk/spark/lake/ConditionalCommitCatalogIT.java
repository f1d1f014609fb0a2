package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * The commit rename of {@link ConditionalCommitCatalog} on S3 (S3Proxy): once the version file is created, the
 * commit happened, and a failure to delete the temporary file must not turn it into a failed or unknown commit
 * (Iceberg takes an exception from the rename for CommitStateUnknownException).
 */
class ConditionalCommitCatalogIT {

  static final String BUCKET = "commit-catalog-it";

  @Test
  void aTemporaryFileThatCannotBeDeletedAfterTheCommitIsLoggedNotThrown() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start()) {
      s3.createBucket(BUCKET);
      Configuration conf = new Configuration();
      s3.s3aSettings().forEach(conf::set);
      FileSystem s3a = FileSystem.newInstance(URI.create("s3a://" + BUCKET + "/"), conf);
      int[] deletes = {0};
      FileSystem failingDeletes = new FilterFileSystem(s3a) {
        @Override
        public boolean delete(Path f, boolean recursive) throws IOException {
          deletes[0]++;
          throw new IOException("injected: the store refused the delete of " + f);
        }
      };
      Path tmp = new Path("s3a://" + BUCKET + "/t/metadata/abc-tmp.metadata.json");
      Path version = new Path("s3a://" + BUCKET + "/t/metadata/v2.metadata.json");
      try (OutputStream out = s3a.create(tmp, true)) {
        out.write("{\"v\":2}".getBytes(StandardCharsets.UTF_8));
      }
      ConditionalCommitCatalog.CreateOnlyVersions fs = new ConditionalCommitCatalog.CreateOnlyVersions(failingDeletes);
      assertThat(fs.rename(tmp, version)).as("committed").isTrue();
      assertThat(deletes[0]).as("the delete was tried and failed").isEqualTo(1);
      try (InputStream in = s3a.open(version)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":2}");
      }
      assertThat(s3a.exists(tmp)).as("the temporary file is left behind").isTrue();
      // the version exists now: a second writer of v2 loses (a CommitFailedException for Iceberg), as before
      try (OutputStream out = s3a.create(tmp, true)) {
        out.write("{\"v\":\"other\"}".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(fs.rename(tmp, version)).isFalse();
      s3a.close();
    }
  }
}
