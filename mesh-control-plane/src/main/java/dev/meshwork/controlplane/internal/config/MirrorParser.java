package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.config.Parsed.DestinationRef;
import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.Mirror;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTPRoute request mirroring, with Istio's rules: {@code mirror} (a Destination) with
 * {@code mirrorPercentage} (absent: 100%), or the newer {@code mirrors} list of
 * {@code {destination, percentage}}, not both. Percentages are Istio Percents (0, or
 * 0.0001..100). The deprecated integer {@code mirror_percent} is rejected (see the route schema).
 *
 * <p>Stricter than Istio: {@code mirrorPercentage} without {@code mirror}, and with
 * {@code mirrors}, are errors (Istio ignores it there). Mirror destinations are checked like route
 * destinations: their subset must be defined by the host's DestinationRule, their port declared by
 * its ServiceEntry (the {@link CrossValidator} does that through the {@link DestinationRef}s added here).
 */
final class MirrorParser {
  private static final Schema MIRROR_POLICY = Schema.of("destination", "percentage");
  private static final double ALL = 100;

  private MirrorParser() {}

  /** The route's mirrors in YAML order; bad ones are reported and left out. */
  static List<Mirror> mirrors(ObjectReader route, List<DestinationRef> refs) {
    DocContext ctx = route.ctx();
    List<Mirror> out = new ArrayList<>();
    if (route.has("mirror") && route.has("mirrors")) {
      ctx.error(route.path("mirrors"), "set only one of mirror, mirrors");
    }
    if (route.has("mirrorPercentage") && !route.has("mirror")) {
      ctx.error(route.path("mirrorPercentage"), route.has("mirrors")
          ? "applies to mirror only (give each mirrors entry its own percentage)"
          : "set without mirror (it is the share of requests copied to mirror)");
    }
    ObjectReader single = route.object("mirror", VirtualServiceParser.DESTINATION);
    if (single != null) {
      double pct = RetryFaultParser.percentage(route, "mirrorPercentage", ALL);
      add(single, pct, out, refs);
    }
    for (Item item : route.list("mirrors")) {
      ObjectReader policy = ObjectReader.of(ctx, item.path(), item.node(), MIRROR_POLICY);
      if (!policy.require("destination")) {
        continue;
      }
      ObjectReader d = policy.object("destination", VirtualServiceParser.DESTINATION);
      add(d, RetryFaultParser.percentage(policy, "percentage", ALL), out, refs);
    }
    return out;
  }

  private static void add(ObjectReader d, double pct, List<Mirror> out, List<DestinationRef> refs) {
    Destination dest = VirtualServiceParser.destination(d, 100);
    if (dest != null) {
      out.add(new Mirror(dest, pct));
      refs.add(new DestinationRef(dest, d.path()));
    }
  }
}
