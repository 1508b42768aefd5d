package dev.meshwork.core.internal.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class XxHash64Test {
  @Test
  void referenceVectors() {
    assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(""));
    assertEquals(0xD24EC4F1A98C6E5BL, XxHash64.hash("a"));
    assertEquals(0x44BC2CF5AD770999L, XxHash64.hash("abc"));
  }

  @Test
  void longInputs_matchGrpcsImplementation() {
    // Values checked against io.grpc.xds.XxHash64 (32-byte stripes, then 8/4/1-byte tails).
    assertEquals(0x23A29AE775DFD4A3L, XxHash64.hash("10.0.0.1:8080_0"));
    assertEquals(0x642A94958E71E6C5L, XxHash64.hash("0123456789abcdef0123456789abcdef"));
    assertEquals(0xFD0311E92A0651D5L, XxHash64.hash("0123456789abcdef0123456789abcdefXYZ12345678"));
  }
}
