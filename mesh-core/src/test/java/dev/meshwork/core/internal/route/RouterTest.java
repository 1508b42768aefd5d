package dev.meshwork.core.internal.route;

import static dev.meshwork.core.internal.route.TestRequests.get;
import static dev.meshwork.core.internal.route.TestRequests.prefix;
import static dev.meshwork.core.internal.route.TestRequests.query;
import static dev.meshwork.core.internal.route.TestRequests.regex;
import static dev.meshwork.core.internal.route.TestRequests.route;
import static dev.meshwork.core.internal.route.TestRequests.routes;
import static dev.meshwork.core.internal.route.TestRequests.to;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meshwork.core.internal.model.Matchers;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static String cluster(Router r, TestRequests.Req req) {
    RouteSelection s = r.select("reviews", req, 0);
    return s == null ? null : s.cluster();
  }

  private static Matchers.HeaderMatcher header(String name, Matchers.StringMatcher value) {
    return new Matchers.HeaderMatcher(name, value, false, false, false);
  }

  @Test
  void firstMatchingRouteWins_inOrder() {
    Router r = routes(
        route("api", prefix("/api"), to("api")),
        route("all", prefix("/"), to("all")),
        route("never", prefix("/api/v2"), to("never")));
    assertEquals("api", cluster(r, get("/api/v2/x")));
    assertEquals("all", cluster(r, get("/other")));
  }

  @Test
  void pathMatchers_exactPrefixRegexAndSeparatedPrefix() {
    Router r = routes(
        route("exact", new Matchers.RouteMatcher(new Matchers.Exact("/Health", true), List.of(), List.of()), to("exact")),
        route("sep", new Matchers.RouteMatcher(new Matchers.PathSeparatedPrefix("/api", false), List.of(), List.of()), to("sep")),
        route("re", regex("/v[0-9]+/.*"), to("re")));
    assertEquals("exact", cluster(r, get("/health")));
    assertEquals("sep", cluster(r, get("/api")));
    assertEquals("sep", cluster(r, get("/api/x")));
    assertNull(cluster(r, get("/apis")));
    assertEquals("re", cluster(r, get("/v2/items")));
    assertNull(cluster(r, get("/x/v2/items")), "regex must match the whole path");
  }

  @Test
  void headerMatchers_exactPresentAbsentAndInvert() {
    Router r = routes(
        route("jason", prefix("/", header("end-user", new Matchers.Exact("jason", false))), to("v2")),
        route("debug", prefix("/", new Matchers.HeaderMatcher("x-debug", null, true, false, false)), to("debug")),
        route("notBeta", prefix("/", new Matchers.HeaderMatcher("x-beta", new Matchers.Exact("1", false), false, true, true)),
            to("stable")),
        route("rest", prefix("/"), to("rest")));
    assertEquals("v2", cluster(r, get("/").header("end-user", "jason")));
    assertEquals("debug", cluster(r, get("/").header("x-debug", "")));
    assertEquals("stable", cluster(r, get("/")), "missing x-beta treated as empty, inverted exact 1 matches");
    assertEquals("stable", cluster(r, get("/").header("x-beta", "0")));
    assertEquals("rest", cluster(r, get("/").header("x-beta", "1")));
  }

  @Test
  void invertedValueMatcher_neverMatchesMissingHeader_unlessTreatedAsEmpty() {
    Router r = routes(
        route("inv", prefix("/", new Matchers.HeaderMatcher("x-v", new Matchers.Exact("1", false), false, true, false)), to("inv")),
        route("absent", prefix("/", new Matchers.HeaderMatcher("x-v", null, false, false, false)), to("absent")));
    assertEquals("absent", cluster(r, get("/")));
    assertEquals("inv", cluster(r, get("/").header("x-v", "2")));
  }

  @Test
  void pseudoHeaders_methodAndAuthorityComeFromTheRequest() {
    Router r = routes(
        route("post", prefix("/", header(":method", new Matchers.Exact("POST", false))), to("post")),
        route("auth", prefix("/", header(":authority", new Matchers.Prefix("rev", false))), to("auth")));
    assertEquals("post", cluster(r, new TestRequests.Req("POST", "/", null)));
    assertEquals("auth", cluster(r, get("/")));
  }

  @Test
  void queryMatchers_decodedFirstValue_andPresence() {
    Router r = routes(
        route("v2", query(new Matchers.QueryMatcher("version", new Matchers.Exact("v 2", false))), to("v2")),
        route("dbg", query(new Matchers.QueryMatcher("debug", null)), to("dbg")),
        route("rest", prefix("/"), to("rest")));
    assertEquals("v2", cluster(r, get("/", "a=1&version=v%202&version=v3")));
    assertEquals("rest", cluster(r, get("/", "version=v3&version=v%202")), "only the first value counts");
    assertEquals("dbg", cluster(r, get("/", "debug")));
    assertEquals("dbg", cluster(r, get("/", "x=%zz&debug=")), "malformed escapes are kept");
    assertEquals("rest", cluster(r, get("/")));
  }

  @Test
  void query_isReadOnlyForRoutesWithQueryMatchers_andOncePerRequest() {
    Router plain = routes(route("all", prefix("/"), to("all")));
    TestRequests.Req req = get("/", "a=1");
    plain.select("reviews", req, 0);
    assertEquals(0, req.queryReads.get());
    Router q = routes(
        route("a", query(new Matchers.QueryMatcher("a", new Matchers.Exact("2", false))), to("a")),
        route("b", query(new Matchers.QueryMatcher("b", null)), to("b")),
        route("c", query(new Matchers.QueryMatcher("a", null)), to("c")));
    TestRequests.Req req2 = get("/", "a=1");
    assertEquals("c", cluster(q, req2));
    assertEquals(1, req2.queryReads.get());
  }

  @Test
  void noMatchingRoute_isNull() {
    assertNull(cluster(routes(route("api", prefix("/api"), to("api"))), get("/web")));
  }

  @Test
  void selections_areSharedInstances() {
    Router r = routes(route("all", prefix("/"), to("all")));
    assertSame(r.select("a", get("/x"), 1), r.select("b", get("/y"), 2));
  }
}
