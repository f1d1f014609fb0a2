package io.zentrunk.spark.source;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One CDR, typed, for Java users of {@link Cdrs#read}: a JavaBean (Spark's bean encoder does not
 * take records). Property names are the camelCase of the column names; null where the API omits a value.
 */
public final class Cdr implements Serializable {
  private static final long serialVersionUID = 1L;

  private String callUuid;
  private String callId;
  private String fromNumber;
  private String toNumber;
  private String callDirection;
  private Integer callDuration;
  private Integer billDuration;
  private Integer billedDuration;
  private Instant initiationTime;
  private Instant answerTime;
  private Instant endTime;
  private Integer hangupCauseCode;
  private String hangupCauseName;
  private String hangupSource;
  private BigDecimal totalRate;
  private BigDecimal totalAmount;
  private BigDecimal secureTrunkingRate;
  private BigDecimal cnamLookupRate;
  private String trunkDomain;
  private String trunkId;
  private String fromCountry;
  private String toCountry;
  private String transportProtocol;
  private Boolean srtp;
  private Boolean secureTrunking;
  private Boolean cnamLookup;
  private String stirVerification;
  private String attestationIndicator;

  public String getCallUuid() {
    return callUuid;
  }

  public void setCallUuid(String v) {
    this.callUuid = v;
  }

  public String getCallId() {
    return callId;
  }

  public void setCallId(String v) {
    this.callId = v;
  }

  public String getFromNumber() {
    return fromNumber;
  }

  public void setFromNumber(String v) {
    this.fromNumber = v;
  }

  public String getToNumber() {
    return toNumber;
  }

  public void setToNumber(String v) {
    this.toNumber = v;
  }

  public String getCallDirection() {
    return callDirection;
  }

  public void setCallDirection(String v) {
    this.callDirection = v;
  }

  public Integer getCallDuration() {
    return callDuration;
  }

  public void setCallDuration(Integer v) {
    this.callDuration = v;
  }

  public Integer getBillDuration() {
    return billDuration;
  }

  public void setBillDuration(Integer v) {
    this.billDuration = v;
  }

  public Integer getBilledDuration() {
    return billedDuration;
  }

  public void setBilledDuration(Integer v) {
    this.billedDuration = v;
  }

  public Instant getInitiationTime() {
    return initiationTime;
  }

  public void setInitiationTime(Instant v) {
    this.initiationTime = v;
  }

  public Instant getAnswerTime() {
    return answerTime;
  }

  public void setAnswerTime(Instant v) {
    this.answerTime = v;
  }

  public Instant getEndTime() {
    return endTime;
  }

  public void setEndTime(Instant v) {
    this.endTime = v;
  }

  public Integer getHangupCauseCode() {
    return hangupCauseCode;
  }

  public void setHangupCauseCode(Integer v) {
    this.hangupCauseCode = v;
  }

  public String getHangupCauseName() {
    return hangupCauseName;
  }

  public void setHangupCauseName(String v) {
    this.hangupCauseName = v;
  }

  public String getHangupSource() {
    return hangupSource;
  }

  public void setHangupSource(String v) {
    this.hangupSource = v;
  }

  public BigDecimal getTotalRate() {
    return totalRate;
  }

  public void setTotalRate(BigDecimal v) {
    this.totalRate = v;
  }

  public BigDecimal getTotalAmount() {
    return totalAmount;
  }

  public void setTotalAmount(BigDecimal v) {
    this.totalAmount = v;
  }

  public BigDecimal getSecureTrunkingRate() {
    return secureTrunkingRate;
  }

  public void setSecureTrunkingRate(BigDecimal v) {
    this.secureTrunkingRate = v;
  }

  public BigDecimal getCnamLookupRate() {
    return cnamLookupRate;
  }

  public void setCnamLookupRate(BigDecimal v) {
    this.cnamLookupRate = v;
  }

  public String getTrunkDomain() {
    return trunkDomain;
  }

  public void setTrunkDomain(String v) {
    this.trunkDomain = v;
  }

  public String getTrunkId() {
    return trunkId;
  }

  public void setTrunkId(String v) {
    this.trunkId = v;
  }

  public String getFromCountry() {
    return fromCountry;
  }

  public void setFromCountry(String v) {
    this.fromCountry = v;
  }

  public String getToCountry() {
    return toCountry;
  }

  public void setToCountry(String v) {
    this.toCountry = v;
  }

  public String getTransportProtocol() {
    return transportProtocol;
  }

  public void setTransportProtocol(String v) {
    this.transportProtocol = v;
  }

  public Boolean getSrtp() {
    return srtp;
  }

  public void setSrtp(Boolean v) {
    this.srtp = v;
  }

  public Boolean getSecureTrunking() {
    return secureTrunking;
  }

  public void setSecureTrunking(Boolean v) {
    this.secureTrunking = v;
  }

  public Boolean getCnamLookup() {
    return cnamLookup;
  }

  public void setCnamLookup(Boolean v) {
    this.cnamLookup = v;
  }

  public String getStirVerification() {
    return stirVerification;
  }

  public void setStirVerification(String v) {
    this.stirVerification = v;
  }

  public String getAttestationIndicator() {
    return attestationIndicator;
  }

  public void setAttestationIndicator(String v) {
    this.attestationIndicator = v;
  }

  /** The bean property of a column: its name in camel case ({@code call_uuid} is {@code callUuid}). */
  static String property(String column) {
    StringBuilder sb = new StringBuilder(column.length());
    boolean upper = false;
    for (char c : column.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Cdr c)) {
      return false;
    }
    return Objects.equals(callUuid, c.callUuid)
        && Objects.equals(callId, c.callId)
        && Objects.equals(fromNumber, c.fromNumber)
        && Objects.equals(toNumber, c.toNumber)
        && Objects.equals(callDirection, c.callDirection)
        && Objects.equals(callDuration, c.callDuration)
        && Objects.equals(billDuration, c.billDuration)
        && Objects.equals(billedDuration, c.billedDuration)
        && Objects.equals(initiationTime, c.initiationTime)
        && Objects.equals(answerTime, c.answerTime)
        && Objects.equals(endTime, c.endTime)
        && Objects.equals(hangupCauseCode, c.hangupCauseCode)
        && Objects.equals(hangupCauseName, c.hangupCauseName)
        && Objects.equals(hangupSource, c.hangupSource)
        && Objects.equals(totalRate, c.totalRate)
        && Objects.equals(totalAmount, c.totalAmount)
        && Objects.equals(secureTrunkingRate, c.secureTrunkingRate)
        && Objects.equals(cnamLookupRate, c.cnamLookupRate)
        && Objects.equals(trunkDomain, c.trunkDomain)
        && Objects.equals(trunkId, c.trunkId)
        && Objects.equals(fromCountry, c.fromCountry)
        && Objects.equals(toCountry, c.toCountry)
        && Objects.equals(transportProtocol, c.transportProtocol)
        && Objects.equals(srtp, c.srtp)
        && Objects.equals(secureTrunking, c.secureTrunking)
        && Objects.equals(cnamLookup, c.cnamLookup)
        && Objects.equals(stirVerification, c.stirVerification)
        && Objects.equals(attestationIndicator, c.attestationIndicator);
  }

  @Override
  public int hashCode() {
    return Objects.hash(callUuid, endTime);
  }

  @Override
  public String toString() {
    return "Cdr{" + callUuid + " " + fromNumber + " -> " + toNumber + " end " + endTime + " " + hangupCauseCode + "}";
  }
}
