package io.zentrunk.spark.lake;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.LockManager;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.hadoop.HadoopTableOperations;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.LockManagers;

/**
 * Iceberg's Hadoop (path) catalog with commits that are atomic on S3.
 *
 * <p>A Hadoop-catalog commit writes the new metadata to a temporary file, checks that {@code v<N+1>.metadata.json}
 * does not exist, then renames the file to it: atomic on HDFS and local disk, but on S3 the check and the rename
 * (a copy) are separate requests, so two writers that both read version N can both "commit" N+1, one silently
 * replacing the other. Here the rename to a version file is a conditional create of that file ({@link
 * ConditionalWrites}): of two writers of N+1 exactly one succeeds, however long either paused between its check
 * and its write, and the other gets Iceberg's {@code CommitFailedException}, so Iceberg refreshes and re-validates
 * (a fast-forward whose base moved then fails). Readers are unchanged: the table is an ordinary Hadoop table
 * ({@code version-hint.text} stays a best-effort pointer that readers probe past).
 *
 * <p>Used for {@code --lake s3a://...} only; Spark loads it by name ({@code catalog-impl}).
 */
public final class ConditionalCommitCatalog extends HadoopCatalog {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConditionalCommitCatalog.class);

  private LockManager lockManager;

  @Override
  public void initialize(String name, Map<String, String> properties) {
    super.initialize(name, properties);
    this.lockManager = LockManagers.from(properties);
  }

  @Override
  protected TableOperations newTableOps(TableIdentifier identifier) {
    FileIO io = super.newTableOps(identifier).io();
    return new Ops(new Path(defaultWarehouseLocation(identifier)), io, getConf(), lockManager);
  }

  /** Hadoop table operations whose commit rename is a conditional create. */
  static final class Ops extends HadoopTableOperations {
    Ops(Path location, FileIO io, Configuration conf, LockManager locks) {
      super(location, io, conf, locks);
    }

    @Override
    protected FileSystem getFileSystem(Path path, Configuration conf) {
      return new CreateOnlyVersions(super.getFileSystem(path, conf));
    }
  }

  /** Renames to {@code v<N>.metadata.json} become create-if-absent; everything else passes through. */
  static final class CreateOnlyVersions extends FilterFileSystem {
    static final Pattern VERSION_FILE = Pattern.compile("v\\d+(\\.[a-z]+)?\\.metadata\\.json(\\.gz)?");

    CreateOnlyVersions(FileSystem fs) {
      super(fs);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
      if (!VERSION_FILE.matcher(dst.getName()).matches()) {
        return super.rename(src, dst);
      }
      byte[] metadata;
      try (InputStream in = fs.open(src)) {
        metadata = in.readAllBytes();
      }
      StageMarkers.reach(StageMarkers.METADATA_WRITE);
      if (!ConditionalWrites.createIfAbsent(fs, dst, metadata)) {
        return false; // Iceberg: "Failed to commit changes using rename", a CommitFailedException it retries
      }
      // The commit happened: the version file is there. A temporary file left behind is litter, not a failure;
      // an exception here would reach Iceberg as CommitStateUnknownException for a commit that is known to be done.
      try {
        fs.delete(src, false);
      } catch (IOException | RuntimeException e) {
        LOG.warn("committed {}, but could not delete the temporary file {}: {}", dst.getName(), src, e.toString());
      }
      return true;
    }

    @Override
    public void close() {
      // the wrapped file system is Hadoop's cached instance: not ours to close
    }
  }
}
