package dev.meshwork.controlplane.internal.model;

/** Istio locality "region/zone/subzone"; missing parts are empty strings. */
public record Locality(String region, String zone, String subZone) {
  public static final Locality NONE = new Locality("", "", "");

  /**
   * Parses Istio's "region/zone/subzone"; as in Istio, a value without '/' is a region. For
   * locality in Istio resources (WorkloadEntry, ServiceEntry endpoints).
   */
  public static Locality parse(String s) {
    if (s == null || s.isEmpty()) {
      return NONE;
    }
    String[] p = s.split("/", -1);
    return new Locality(p[0], p.length > 1 ? p[1] : "", p.length > 2 ? p[2] : "");
  }

  /**
   * Parses Meshwork's own locality settings (registry, MeshSettings): "region/zone/subzone" as in
   * Istio, but a bare value is a zone, because "zone" is what a single value means to the people
   * setting it (and to the issue that asked for it).
   */
  public static Locality parseZoneFirst(String s) {
    if (s != null && !s.isEmpty() && s.indexOf('/') < 0) {
      return new Locality("", s, "");
    }
    return parse(s);
  }
}
