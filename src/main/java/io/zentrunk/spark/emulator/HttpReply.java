package io.zentrunk.spark.emulator;

import java.nio.charset.StandardCharsets;

/**
 * What the server does with one request: a normal response, or one of the injected faults.
 *
 * @param retryAfter the Retry-After header value, or null
 * @param delayNanos how long to wait before answering (latency simulation)
 * @param stallNanos for {@link Action#STALL}: how long to hold the connection without answering
 */
record HttpReply(
    int status,
    String contentType,
    byte[] body,
    String retryAfter,
    Action action,
    long delayNanos,
    long stallNanos) {

  enum Action {
    NORMAL,
    RESET,
    TRUNCATE,
    STALL
  }

  static final String JSON = "application/json";

  static HttpReply json(int status, byte[] body) {
    return new HttpReply(status, JSON, body, null, Action.NORMAL, 0, 0);
  }

  static HttpReply json(int status, String body) {
    return json(status, body.getBytes(StandardCharsets.UTF_8));
  }

  HttpReply withDelay(long nanos) {
    return new HttpReply(status, contentType, body, retryAfter, action, nanos, stallNanos);
  }

  HttpReply withAction(Action a, long stall) {
    return new HttpReply(status, contentType, body, retryAfter, a, delayNanos, stall);
  }
}
