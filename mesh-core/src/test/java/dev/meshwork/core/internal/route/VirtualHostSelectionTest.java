package dev.meshwork.core.internal.route;

import static dev.meshwork.core.internal.route.TestRequests.get;
import static dev.meshwork.core.internal.route.TestRequests.prefix;
import static dev.meshwork.core.internal.route.TestRequests.route;
import static dev.meshwork.core.internal.route.TestRequests.router;
import static dev.meshwork.core.internal.route.TestRequests.to;
import static dev.meshwork.core.internal.route.TestRequests.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.core.internal.model.RouteModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualHostSelectionTest {
  private static RouteModel.VirtualHost host(String name, String... domains) {
    return vhost(name, List.of(domains), route(name, prefix("/"), to(name)));
  }

  private static String hostFor(Router r, String authority) {
    RouteSelection s = r.select(authority, get("/"), 0);
    return s == null ? null : s.virtualHost().name();
  }

  @Test
  void envoyOrder_exactThenSuffixThenPrefixThenStar() {
    Router r = router(
        host("star", "*"),
        host("prefix", "api.*"),
        host("suffix", "*.example.com"),
        host("exact", "api.example.com"));
    assertEquals("exact", hostFor(r, "api.example.com"));
    assertEquals("suffix", hostFor(r, "web.example.com"));
    assertEquals("prefix", hostFor(r, "api.internal"));
    assertEquals("star", hostFor(r, "other"));
  }

  @Test
  void longestWildcardFirst_andWildcardNeverMatchesEmpty() {
    Router r = router(
        host("short", "*.com"),
        host("long", "*-bar.foo.com"),
        host("pre", "foo-*"));
    assertEquals("long", hostFor(r, "baz-bar.foo.com"));
    assertEquals("short", hostFor(r, "-bar.foo.com"), "*-bar.foo.com needs at least one character");
    assertNull(hostFor(r, "foo-"));
    assertEquals("pre", hostFor(r, "foo-x"));
  }

  @Test
  void portIsTriedAsGivenThenStripped_beforeStar() {
    Router r = router(
        host("star", "*"),
        host("named", "reviews", "reviews.default.svc.cluster.local"),
        host("withPort", "reviews:9080"));
    assertEquals("withPort", hostFor(r, "reviews:9080"));
    assertEquals("named", hostFor(r, "reviews:8080"));
    assertEquals("named", hostFor(r, "reviews.default.svc.cluster.local:80"));
    assertEquals("star", hostFor(r, "ratings:80"));
  }

  @Test
  void ipv6Authorities_stripOnlyTheBracketedPort() {
    Router r = router(host("v6", "[::1]"), host("bare", "::1"));
    assertEquals("v6", hostFor(r, "[::1]:8080"));
    assertEquals("bare", hostFor(r, "::1"));
  }

  @Test
  void domainsCompareCaseBlind() {
    Router r = router(host("exact", "Reviews.Example.com"));
    assertEquals("exact", hostFor(r, "reviews.EXAMPLE.com"));
  }

  @Test
  void noVirtualHost_isNull_andNullAuthorityMatchesOnlyStar() {
    assertNull(hostFor(router(host("a", "a")), "b"));
    assertNull(hostFor(router(host("a", "a")), null));
    assertEquals("star", hostFor(router(host("a", "a"), host("star", "*")), null));
  }

  @Test
  void alternatingAuthorities_stillResolveEachTime() {
    Router r = router(host("a", "a"), host("b", "b"));
    for (int i = 0; i < 3; i++) {
      assertEquals("a", hostFor(r, "a"));
      assertEquals("b", hostFor(r, "b"));
    }
  }
}
