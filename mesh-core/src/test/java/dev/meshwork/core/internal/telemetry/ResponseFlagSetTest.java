package dev.meshwork.core.internal.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResponseFlagSetTest {
  @Test
  void formatsAsEnvoy_noneAsDash_severalCommaJoinedInEnvoysOrder() {
    assertEquals("-", ResponseFlagSet.format(0));
    assertEquals("UO", ResponseFlagSet.format(ResponseFlagSet.bit("UO")));
    // Set in the order the engine meets them; printed in Envoy's (ResponseFlagUtils) order.
    assertEquals("UF,URX", ResponseFlagSet.format(ResponseFlagSet.bit("URX") | ResponseFlagSet.bit("UF")));
    assertEquals("DI,DC", ResponseFlagSet.format(ResponseFlagSet.bit("DC") | ResponseFlagSet.bit("DI")));
    assertEquals("UT,DI,FI", ResponseFlagSet.format(
        ResponseFlagSet.bit("FI") | ResponseFlagSet.bit("DI") | ResponseFlagSet.bit("UT")));
  }

  @Test
  void aSetIsFormattedOnce() {
    int bits = ResponseFlagSet.bit("UF") | ResponseFlagSet.bit("URX");
    assertSame(ResponseFlagSet.format(bits), ResponseFlagSet.format(bits));
  }

  @Test
  void unknownFlag_isRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResponseFlagSet.bit("XX"));
    assertTrue(e.getMessage().contains("XX"), e.getMessage());
  }
}
