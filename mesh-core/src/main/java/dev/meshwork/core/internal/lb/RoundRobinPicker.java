package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted round robin, lock-free: a schedule is laid out once (each endpoint appears weight / gcd
 * times, spread out in earliest-deadline order like Envoy's EDF scheduler, so a 3:1 split runs
 * a a b a, not a a a b) and an AtomicInteger walks it. Schedules longer than
 * {@value #MAX_SCHEDULE} scale the weights down proportionally (each endpoint keeps at least one
 * slot). The walk starts at a random offset so clients do not all hit the same endpoint first.
 *
 * <p>An unusable endpoint's slot is skipped and consumed, so its share spreads over the others
 * in proportion.
 */
final class RoundRobinPicker implements Picker {
  static final int MAX_SCHEDULE = 1 << 16;

  private final ClusterModel.Address[] eps;
  private final int[] schedule;
  private final AtomicInteger next;

  RoundRobinPicker(List<ClusterModel.Address> endpoints, Randomness random) {
    this.eps = Candidates.healthy(endpoints);
    this.schedule = schedule(eps);
    this.next = new AtomicInteger(schedule.length == 0 ? 0 : (int) random.nextLong(schedule.length));
  }

  @Override
  public ClusterModel.Address pick(PickContext ctx) {
    int n = schedule.length;
    if (n == 0) {
      return null;
    }
    // A skipped slot is consumed like a picked one, so the skipped endpoint's turns go round to
    // all the others instead of to its neighbour in the schedule.
    int limit = Math.min(n, 2 * eps.length + 1);
    int slot = 0;
    for (int k = 0; k < limit; k++) {
      slot = Math.floorMod(next.getAndIncrement(), n);
      ClusterModel.Address a = eps[schedule[slot]];
      if (ctx.usable().test(a)) {
        return a;
      }
    }
    return Candidates.scan(eps, schedule[slot], ctx.usable());
  }

  /** Slot → endpoint index, in earliest-deadline-first order of (k + 1) / weight. */
  static int[] schedule(ClusterModel.Address[] eps) {
    if (eps.length == 0) {
      return new int[0];
    }
    long[] w = new long[eps.length];
    BigInteger gcd = BigInteger.ZERO;
    for (int i = 0; i < eps.length; i++) {
      w[i] = eps[i].weight();
      gcd = gcd.gcd(BigInteger.valueOf(w[i]));
    }
    long total = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] /= gcd.longValue();
      total += w[i];
    }
    if (total > MAX_SCHEDULE) {
      long scaled = 0;
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(1, w[i] * MAX_SCHEDULE / total);
        scaled += w[i];
      }
      total = scaled;
    }
    // Slot k of endpoint i is due at (k + 1) / w[i] and was queued at k / w[i]. Sort by due time;
    // on a tie the one queued first goes first (Envoy's EDF breaks ties by insertion order).
    double[] due = new double[(int) total];
    double[] queued = new double[(int) total];
    int[] owner = new int[(int) total];
    int s = 0;
    for (int i = 0; i < w.length; i++) {
      for (long k = 0; k < w[i]; k++) {
        due[s] = (k + 1) / (double) w[i];
        queued[s] = k / (double) w[i];
        owner[s++] = i;
      }
    }
    Integer[] order = new Integer[s];
    for (int i = 0; i < s; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(x -> due[x]).thenComparingDouble(x -> queued[x])
        .thenComparingInt(x -> owner[x]));
    int[] out = new int[s];
    for (int i = 0; i < s; i++) {
      out[i] = owner[order[i]];
    }
    return out;
  }
}
