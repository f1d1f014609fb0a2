package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.s3a.RemoteFileChangedException;
import org.junit.jupiter.api.Test;

/** Which failures of a conditional write mean "the store answered 412": the lost race, not an error. */
class ConditionalWritesTest {

  /** The shape of the SDK's and S3A's service exceptions: an HTTP status behind {@code statusCode()}. */
  static final class ServiceException extends RuntimeException {
    private final int status;

    ServiceException(int status) {
      super("status " + status);
      this.status = status;
    }

    public int statusCode() {
      return status;
    }
  }

  @Test
  void a412AnywhereInTheChainIsALostRaceWhateverTheExceptionsClass() {
    // S3A can report a failed block upload as an IOException over the SDK's exception
    assertThat(ConditionalWrites.preconditionFailed(new IOException("upload failed", new ServiceException(412)))).isTrue();
    assertThat(ConditionalWrites.preconditionFailed(new UncheckedIOException(new IOException(new ServiceException(412))))).isTrue();
    assertThat(ConditionalWrites.preconditionFailed(new RemoteFileChangedException("s3a://b/k", "put", "412"))).isTrue();
    assertThat(ConditionalWrites.preconditionFailed(new FileAlreadyExistsException("k"))).isTrue();
  }

  @Test
  void otherFailuresAreErrors() {
    assertThat(ConditionalWrites.preconditionFailed(new IOException("upload failed", new ServiceException(403)))).isFalse();
    assertThat(ConditionalWrites.preconditionFailed(new IOException("connection reset"))).isFalse();
  }
}
