package dev.meshwork.controlplane.internal.model;

/** Istio locality "region/zone/subzone"; missing parts are empty strings. */
public record Locality(String region, String zone, String subZone) {
  public static final Locality NONE = new Locality("", "", "");

  /** Parses "region/zone/subzone"; a value without '/' is taken as a zone. */
  public static Locality parse(String s) {
    if (s == null || s.isEmpty()) {
      return NONE;
    }
    String[] p = s.split("/", -1);
    if (p.length == 1) {
      return new Locality("", p[0], "");
    }
    return new Locality(p[0], p.length > 1 ? p[1] : "", p.length > 2 ? p[2] : "");
  }
}
