package dev.meshwork.core.internal.route;

import static dev.meshwork.core.internal.route.TestRequests.get;
import static dev.meshwork.core.internal.route.TestRequests.prefix;
import static dev.meshwork.core.internal.route.TestRequests.to;
import static dev.meshwork.core.internal.route.TestRequests.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.meshwork.core.internal.model.RouteModel;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterFiltersTest {
  static final RouteModel.Fault ABORT = new RouteModel.Fault(null, 0, 503, -1, 1_000_000, List.of());
  static final RouteModel.RateLimit BUCKET = new RouteModel.RateLimit(10, 1, Duration.ofSeconds(1), 1_000_000, 1_000_000, 429);

  private static RouteSelection select(RouteModel.ListenerConfig listener, RouteModel.Fault fault, RouteModel.RateLimit limit) {
    RouteModel.Route r = new RouteModel.Route("r", prefix("/"), to("c"), fault, limit);
    RouteModel.RouteConfig rc = new RouteModel.RouteConfig("rc", List.of(vhost("vh", List.of("*"), r)));
    return new Router(rc, listener).select("a", get("/"), 0);
  }

  private static RouteModel.ListenerConfig listener(boolean fault, boolean limit, RouteModel.RateLimit defaultLimit) {
    return new RouteModel.ListenerConfig("l", "rc", fault, limit, defaultLimit);
  }

  @Test
  void routeFault_appliesOnlyWithTheFaultFilterInTheChain() {
    assertEquals(ABORT, select(listener(true, false, null), ABORT, null).fault());
    assertNull(select(listener(false, false, null), ABORT, null).fault());
    assertNull(select(null, ABORT, null).fault());
    assertNull(select(listener(true, false, null), RouteModel.Fault.NONE, null).fault());
  }

  @Test
  void listenerDefaults_applyToRoutesWithoutOverride() {
    RouteModel.ListenerConfig l = new RouteModel.ListenerConfig("l", "rc", true, true, BUCKET, null, ABORT);
    RouteSelection s = select(l, null, null);
    assertEquals(ABORT, s.fault());
    assertEquals(BUCKET, s.rateLimit());
    assertNull(select(l, RouteModel.Fault.NONE, RouteModel.RateLimit.DISABLED).fault());
    assertNull(select(l, RouteModel.Fault.NONE, RouteModel.RateLimit.DISABLED).rateLimit());
  }

  @Test
  void rateLimitNotEnabled_isNoLimit() {
    RouteModel.RateLimit off = new RouteModel.RateLimit(10, 1, Duration.ofSeconds(1), 0, 1_000_000, 429);
    assertNull(select(listener(false, true, null), null, off).rateLimit());
    assertEquals(BUCKET, select(listener(false, true, null), null, BUCKET).rateLimit());
  }

  @Test
  void select_allocatesNothingOnTheHotPath() {
    RouteModel.Route api = new RouteModel.Route("api", prefix("/api"), to("api"), null, null);
    RouteModel.Route all = new RouteModel.Route("all", prefix("/"), to("all"), null, null);
    Router router = new Router(new RouteModel.RouteConfig("rc", List.of(vhost("vh", List.of("reviews"), api, all))), null);
    TestRequests.Req req = get("/web/index.html");
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20_000; i++) {
      router.select("reviews", req, i);
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      router.select("reviews", req, i);
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 10000 selects");
  }
}
