package dev.meshwork.controlplane.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations, Hosts and Names: the small syntax helpers. */
class SyntaxHelpersTest {
  @Test
  void durations_goSyntax() {
    assertEquals(Duration.ofSeconds(1), Durations.parse("1s", "p"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s", "p"));
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms", "p"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s", "p"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h", "p"));
    assertEquals(Duration.ofNanos(2500), Durations.parse("2us500ns", "p"));
    assertEquals(Duration.ofNanos(3000), Durations.parse("3\u00b5s", "p"));
    assertEquals(Duration.ofMillis(500), Durations.parse(".5s", "p"));
    assertEquals(Duration.ZERO, Durations.parse("0", "p"));
    for (String bad : new String[] {"", "1", "abc", "1x", "1.2.3s", "s", "5 s", "1s ", "-1s", "\u0661s", "99999999999h"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad, "spec.timeout"), bad);
      assertTrue(e.getMessage().startsWith("spec.timeout: \""), e.getMessage());
    }
    assertEquals("spec.x: \"abc\" is not a duration (expected e.g. 1.5s, 500ms)",
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("abc", "spec.x")).getMessage());
  }

  @Test
  void durations_istioLimits() {
    assertNull(Durations.problem("1ms", true));
    assertEquals("\"0s\" is too short (expected: >= 1ms)", Durations.problem("0s", true));
    assertEquals("\"1500us\" is finer than a millisecond (only durations to ms precision are supported)",
        Durations.problem("1500us", true));
    assertNull(Durations.problem("0s", false));
  }

  @Test
  void hosts_clusterLocalFqdnsReduceToTheServiceName() {
    assertEquals("reviews", Hosts.serviceKey("reviews"));
    assertEquals("reviews", Hosts.serviceKey("reviews.default.svc.cluster.local"));
    assertEquals("reviews", Hosts.serviceKey("Reviews.Prod.svc.cluster.local."));
    assertEquals("reviews", Hosts.serviceKey("reviews.prod.svc"));
    assertEquals("reviews.prod", Hosts.serviceKey("reviews.prod"));
    assertEquals("api.example.com", Hosts.serviceKey("API.Example.com"));
    assertTrue(Hosts.isWildcard("*.example.com"));
    assertTrue(Hosts.problem("*").startsWith("wildcard hosts are not supported"));
    assertNull(Hosts.problem("reviews.default.svc.cluster.local"));
    assertTrue(Hosts.problem("10.0.0.1").contains("IP addresses are not hosts"));
    assertTrue(Hosts.problem("under_score").contains("not a valid host name"));
    assertTrue(Hosts.problem("").contains("empty"));
  }

  @Test
  void names_ipLiteralsWithoutDnsLookups() {
    for (String ok : new String[] {"10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "2001:db8::1", "fe80::1:2:3:4",
        "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "1::2:3.4.5.6"}) {
      assertTrue(Names.isIpLiteral(ok), ok);
    }
    for (String bad : new String[] {"", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4.5", "localhost", "a:b", ":::",
        "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "::1%eth0", "1.2.3.4/8", "example.com", "1:2:3:4:5:6:7::8:9"}) {
      assertFalse(Names.isIpLiteral(bad), bad);
    }
    assertTrue(Names.isIpOrCidr("10.0.0.0/8"));
    assertTrue(Names.isIpOrCidr("2001:db8::/32"));
    assertFalse(Names.isIpOrCidr("10.0.0.0/33"));
    assertFalse(Names.isIpOrCidr("10.0.0.0/"));
  }

  @Test
  void names_kubernetesLabelsAndNames() {
    assertNull(Names.labelProblem("app.kubernetes.io/name", "reviews"));
    assertNull(Names.labelProblem("version", ""));
    assertTrue(Names.labelProblem("Bad Key", "x").contains("label key"));
    assertTrue(Names.labelProblem("a", "x".repeat(64)).contains("label value"));
    assertTrue(Names.isDnsSubdomain("reviews.v1"));
    assertFalse(Names.isDnsSubdomain("Reviews"));
    assertFalse(Names.isDnsLabel("a.b"));
  }
}
