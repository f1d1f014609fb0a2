package io.zentrunk.spark.emulator;

/** An error answer of the API: an HTTP status and the message of the JSON {@code error} field. */
final class ApiException extends Exception {

  final int status;

  ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
