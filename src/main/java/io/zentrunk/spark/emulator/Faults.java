package io.zentrunk.spark.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Fault injection rates of the emulator. Each rate is the probability that one list or get
 * request (after authentication and rate limiting) gets that fault; the rates are drawn from one
 * seeded uniform number per request, so they are mutually exclusive and must sum to at most 1.
 *
 * <ul>
 *   <li>{@code http500/502/503}: the status with a JSON error body, or an HTML body for a share
 *       {@code htmlErrorShare} of them (as a load balancer in front of the API would send).
 *   <li>{@code connectionReset}: the socket is closed with SO_LINGER 0 (TCP RST), no response.
 *   <li>{@code truncatedBody}: a 200 with the full Content-Length but only part of the body.
 *   <li>{@code stall}: no answer at all until {@code stallDuration} passes or the client closes.
 * </ul>
 */
public record Faults(
    double http500,
    double http502,
    double http503,
    double htmlErrorShare,
    double connectionReset,
    double truncatedBody,
    double stall,
    Duration stallDuration) {

  /** No faults at all. */
  public static final Faults NONE = builder().build();

  public Faults {
    Objects.requireNonNull(stallDuration, "stallDuration");
    check("http500", http500);
    check("http502", http502);
    check("http503", http503);
    check("htmlErrorShare", htmlErrorShare);
    check("connectionReset", connectionReset);
    check("truncatedBody", truncatedBody);
    check("stall", stall);
    if (total(http500, http502, http503, connectionReset, truncatedBody, stall) > 1.0 + 1e-9) {
      throw new IllegalArgumentException("fault rates sum to more than 1");
    }
    if (stallDuration.isNegative()) {
      throw new IllegalArgumentException("stallDuration must not be negative");
    }
  }

  private static double total(double... rates) {
    double s = 0;
    for (double r : rates) {
      s += r;
    }
    return s;
  }

  private static void check(String name, double rate) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(name + " must be in [0,1], got " + rate);
    }
  }

  /** True when at least one fault can happen. */
  public boolean any() {
    return http500 + http502 + http503 + connectionReset + truncatedBody + stall > 0;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder; every rate defaults to 0, htmlErrorShare to 0.5, stallDuration to 60 s. */
  public static final class Builder {
    private double http500;
    private double http502;
    private double http503;
    private double htmlErrorShare = 0.5;
    private double connectionReset;
    private double truncatedBody;
    private double stall;
    private Duration stallDuration = Duration.ofSeconds(60);

    private Builder() {}

    public Builder http500(double rate) {
      this.http500 = rate;
      return this;
    }

    public Builder http502(double rate) {
      this.http502 = rate;
      return this;
    }

    public Builder http503(double rate) {
      this.http503 = rate;
      return this;
    }

    public Builder htmlErrorShare(double share) {
      this.htmlErrorShare = share;
      return this;
    }

    public Builder connectionReset(double rate) {
      this.connectionReset = rate;
      return this;
    }

    public Builder truncatedBody(double rate) {
      this.truncatedBody = rate;
      return this;
    }

    public Builder stall(double rate) {
      this.stall = rate;
      return this;
    }

    public Builder stallDuration(Duration d) {
      this.stallDuration = d;
      return this;
    }

    public Faults build() {
      return new Faults(
          http500, http502, http503, htmlErrorShare, connectionReset, truncatedBody, stall,
          stallDuration);
    }
  }
}
