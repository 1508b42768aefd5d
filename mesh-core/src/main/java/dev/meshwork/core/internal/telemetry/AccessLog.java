package dev.meshwork.core.internal.telemetry;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per call on logger {@code dev.meshwork.access}, with the fields of Envoy's default
 * access log format (start time, method, path, protocol, status, response flags, duration,
 * upstream host) plus what a proxyless mesh adds (direction, cluster, route, attempts, trace id,
 * peer identity), as {@code key=value} pairs so log pipelines can parse them.
 */
public final class AccessLog {
  static final Logger LOG = LoggerFactory.getLogger("dev.meshwork.access");

  private AccessLog() {}

  public static void write(CallRecord c) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(c.durationNanos());
    LOG.info("[{}] \"{} {} {}\" {} {} duration_ms={} direction={} source={} destination={} route={} cluster={} "
            + "upstream={} attempts={} peer={} trace_id={}",
        Instant.now().minusMillis(ms), c.grpc() ? "POST" : c.method(), c.grpc() ? "/" + c.method() : c.target(),
        c.grpc() ? "HTTP/2" : "HTTP/1.1", c.code(), c.flags(), ms, c.client() ? "outbound" : "inbound", c.source(),
        c.destination(), dash(c.route()), dash(c.cluster()), dash(c.endpoint()), c.attempts(), dash(c.peer()),
        dash(c.traceId()));
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
