package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.Arrays;
import java.util.List;

/**
 * Envoy's ring hash (ketama-like): each endpoint gets ring points in proportion to its weight,
 * point {@code i} of endpoint {@code ip:port} at xxHash64({@code "ip:port_i"}); a request goes to
 * the first point at or after its hash, wrapping around. Envoy gives the lightest endpoint
 * {@code ceil(minRingSize × its share of the weight)} points and the others proportionally more,
 * at most maxRingSize in all (here also at most {@value #RING_SIZE_CAP}, to bound memory).
 *
 * <p><b>Deviation:</b> the lightest endpoint always gets {@code minRingSize / 8} points (128 by
 * default) and the others proportionally more, so an endpoint's points depend only on the
 * weights, never on how many endpoints there are. Envoy instead keeps the ring near minRingSize,
 * so each endpoint's point count depends on the endpoint count and removing one endpoint also
 * moves keys between the remaining ones (about 16% of them when one of ten goes). Here removing
 * an endpoint moves only its own keys. The price: the ring differs from Envoy's and gRPC's, so an
 * HTTP client and a gRPC client may map the same key to different endpoints.
 *
 * <p>We always hash with xxHash64 (Envoy's and gRPC's default), also when the cluster asks for
 * MURMUR_HASH_2: placement then differs from an Envoy using murmur, the properties do not.
 * Endpoints are sorted by address first, so every client builds the same ring whatever order EDS
 * lists them in.
 *
 * <p>An unusable endpoint is passed over by walking on clockwise to the next usable one (what
 * gRPC does for endpoints in failure), so its keys spread over its ring neighbours and come back
 * when it does. Without a request hash the pick is at a random point.
 */
final class RingHashPicker implements Picker {
  static final long RING_SIZE_CAP = 1 << 20;

  /** Point hashes with the sign bit flipped, so signed order is unsigned hash order. */
  private final long[] points;
  private final ClusterModel.Address[] owners;
  private final ClusterModel.Address[] eps;
  private final Randomness random;

  RingHashPicker(List<ClusterModel.Address> endpoints, long minRingSize, long maxRingSize, Randomness random) {
    this.random = random;
    this.eps = Candidates.healthy(endpoints);
    Arrays.sort(eps, Candidates.BY_ADDRESS);
    if (eps.length == 0) {
      points = new long[0];
      owners = new ClusterModel.Address[0];
      return;
    }
    double total = 0;
    double minWeight = Double.MAX_VALUE;
    for (ClusterModel.Address a : eps) {
      total += a.weight();
      minWeight = Math.min(minWeight, a.weight());
    }
    double minNormalized = minWeight / total;
    long max = Math.min(maxRingSize, RING_SIZE_CAP);
    // A fixed count for the lightest endpoint, whatever the endpoint count (see class doc).
    long lightest = (minRingSize + 7) / 8;
    double scale = Math.min(lightest / minNormalized, max);
    int ringSize = (int) Math.ceil(scale);
    long[] hashes = new long[ringSize + eps.length]; // running sums may round up by one per endpoint
    int[] owner = new int[hashes.length];
    int n = 0;
    double current = 0;
    double target = 0;
    for (int e = 0; e < eps.length; e++) {
      target += scale * eps[e].weight() / total;
      String prefix = eps[e].hostPort() + "_";
      for (int i = 0; current < target && n < hashes.length; i++, current++) {
        hashes[n] = XxHash64.hash(prefix + i) ^ Long.MIN_VALUE;
        owner[n++] = e;
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Ties (vanishingly rare) broken by endpoint order, so the ring is deterministic.
    Arrays.sort(order, (a, b) -> hashes[a] != hashes[b] ? Long.compare(hashes[a], hashes[b]) : Integer.compare(owner[a], owner[b]));
    this.points = new long[n];
    this.owners = new ClusterModel.Address[n];
    for (int i = 0; i < n; i++) {
      points[i] = hashes[order[i]];
      owners[i] = eps[owner[order[i]]];
    }
  }

  @Override
  public ClusterModel.Address pick(PickContext ctx) {
    if (points.length == 0) {
      return null;
    }
    long h = (ctx.hasHash() ? ctx.hash() : random.nextLong()) ^ Long.MIN_VALUE;
    int i = Arrays.binarySearch(points, h);
    if (i < 0) {
      i = -(i + 1);
    } else {
      while (i > 0 && points[i - 1] == h) {
        i--; // the first of equal points, whichever binarySearch found
      }
    }
    if (i == points.length) {
      i = 0;
    }
    ClusterModel.Address a = owners[i];
    if (ctx.usable().test(a)) {
      return a;
    }
    if (!Candidates.anyUsable(eps, ctx.usable())) {
      return null; // checked first so the walk below always ends early
    }
    for (int k = 1; k < points.length; k++) {
      ClusterModel.Address next = owners[(i + k) % points.length];
      if (next != a && ctx.usable().test(next)) {
        return next;
      }
    }
    return null;
  }

  /** Ring size, for tests and stats. */
  int size() {
    return points.length;
  }
}
