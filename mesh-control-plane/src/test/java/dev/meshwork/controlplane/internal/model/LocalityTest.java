package dev.meshwork.controlplane.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LocalityTest {
  @Test
  void istioLocality_bareValueIsARegion() {
    assertEquals(new Locality("us-east", "", ""), Locality.parse("us-east"));
    assertEquals(new Locality("us-east", "us-east-1a", "rack-7"), Locality.parse("us-east/us-east-1a/rack-7"));
    assertEquals(Locality.NONE, Locality.parse(""));
  }

  @Test
  void meshworkLocality_bareValueIsAZone() {
    assertEquals(new Locality("", "zone-a", ""), Locality.parseZoneFirst("zone-a"));
    assertEquals(new Locality("eu", "zone-a", ""), Locality.parseZoneFirst("eu/zone-a"));
  }
}
