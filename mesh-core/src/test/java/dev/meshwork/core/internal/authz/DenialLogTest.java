package dev.meshwork.core.internal.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class DenialLogTest {
  @Test
  void atMostTenLinesASecond_thenCountsTheOnesLeftOut() {
    List<String> lines = new ArrayList<>();
    Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (p, m, args) -> {
          if (m.getName().equals("isWarnEnabled")) {
            return true;
          }
          if (m.getName().equals("warn")) {
            String line = (String) args[0];
            Object[] values = args.length == 2 && args[1] instanceof Object[] a ? a : Arrays.copyOfRange(args, 1, args.length);
            for (Object v : values) {
              line = line.replaceFirst("\\{}", java.util.regex.Matcher.quoteReplacement(String.valueOf(v)));
            }
            lines.add(line);
          }
          return null;
        });
    AtomicLong now = new AtomicLong();
    DenialLog log = new DenialLog(logger, now::get);
    InboundRequest r = InboundRequest.of("GET", "/reviews/1").withPeer("spiffe://cluster.local/ns/default/sa/ratings");
    AuthzDecision d = new AuthzDecision(false, "ns[default]-policy[reviews-viewer]-rule[0]", "denied");
    for (int i = 0; i < 25; i++) {
      log.denied(r, d);
    }
    assertEquals(10, lines.size());
    assertEquals("denied spiffe://cluster.local/ns/default/sa/ratings GET /reviews/1 by policy "
        + "ns[default]-policy[reviews-viewer]-rule[0]", lines.get(0));
    now.addAndGet(1_000_000_000L);
    log.denied(InboundRequest.of("POST", "/x"), AuthzDecision.deny("no ALLOW policy matched"));
    assertEquals("denied plaintext peer POST /x (no ALLOW policy matched) (15 earlier denials not logged)", lines.get(10));
  }
}
