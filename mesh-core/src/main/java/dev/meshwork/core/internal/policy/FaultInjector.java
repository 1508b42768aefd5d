package dev.meshwork.core.internal.policy;

import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.Matchers;
import dev.meshwork.core.internal.model.RouteModel;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Envoy's HTTP fault filter for one route: when every header matcher of the fault matches, delays
 * the request with probability {@code delayPerMillion} and, independently, aborts it with
 * probability {@code abortPerMillion} (delay first, then abort, as Envoy). Immutable and
 * thread-safe; the possible decisions are built once, so deciding never allocates.
 *
 * <p>Not modelled: header-controlled faults ({@code x-envoy-fault-*}), {@code max_active_faults},
 * response rate limiting.
 */
public final class FaultInjector {
  private final List<Matchers.HeaderMatcher> headers;
  private final int delayPerMillion;
  private final int abortPerMillion;
  private final FaultDecision delayOnly;
  private final FaultDecision abortOnly;
  private final FaultDecision both;

  public FaultInjector(RouteModel.Fault fault) {
    this.headers = fault.headers();
    Duration delay = fault.delay() == null ? Duration.ZERO : fault.delay();
    boolean aborts = fault.abortHttpStatus() > 0 || fault.abortGrpcStatus() >= 0;
    // A fault without a delay (or abort) never injects one, whatever its fraction says.
    this.delayPerMillion = delay.isZero() ? 0 : fault.delayPerMillion();
    this.abortPerMillion = aborts ? fault.abortPerMillion() : 0;
    this.delayOnly = new FaultDecision(delay, 0, -1);
    this.abortOnly = new FaultDecision(Duration.ZERO, fault.abortHttpStatus(), fault.abortGrpcStatus());
    this.both = new FaultDecision(delay, fault.abortHttpStatus(), fault.abortGrpcStatus());
  }

  /** The fault for this request, {@link FaultDecision#NONE} when it is out of scope or not sampled. */
  public FaultDecision decide(MeshRequest request, RandomGenerator random) {
    for (int i = 0; i < headers.size(); i++) {
      if (!headers.get(i).matches(request)) {
        return FaultDecision.NONE;
      }
    }
    boolean delay = Fractions.sample(delayPerMillion, random);
    boolean abort = Fractions.sample(abortPerMillion, random);
    if (delay) {
      return abort ? both : delayOnly;
    }
    return abort ? abortOnly : FaultDecision.NONE;
  }
}
