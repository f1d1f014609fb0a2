package io.zentrunk.spark.client;

/**
 * Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), checked over a whole
 * body. JSON exchanged between systems must be UTF-8 (RFC 8259 §8.1), and Jackson's streaming parser does not
 * check the bytes of what it skips (the fields this connector does not read), so a page with invalid bytes
 * there would be accepted. One pass with an ASCII fast path, no allocation.
 */
final class Utf8 {

  private Utf8() {}

  /** The index of the first byte that is not part of well-formed UTF-8, or -1 if all are. */
  static int firstInvalid(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int len;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
      } else {
        return i;
      }
      if (i + len > n) {
        return i;
      }
      int cp = c & (0xFF >> (len + 1));
      for (int k = 1; k < len; k++) {
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return i;
      }
      i += len;
    }
    return -1;
  }
}
