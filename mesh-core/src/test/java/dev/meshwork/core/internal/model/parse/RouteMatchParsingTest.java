package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.RouteConfigParserTest.error;
import static dev.meshwork.core.internal.model.parse.RouteConfigParserTest.onlyRoute;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.defaultRoute;
import static dev.meshwork.core.internal.model.parse.XdsFixtures.routeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import dev.meshwork.core.internal.model.Matchers;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.Int64Range;
import org.junit.jupiter.api.Test;

class RouteMatchParsingTest {
  private static Matchers.RouteMatcher parse(RouteMatch.Builder m) throws Exception {
    return onlyRoute(routeConfig("r", defaultRoute().toBuilder().setMatch(m).build())).match();
  }

  private static String errorFor(RouteMatch.Builder m) {
    return error(routeConfig("r", defaultRoute().toBuilder().setMatch(m).build()));
  }

  private static RegexMatcher re(String re) {
    return RegexMatcher.newBuilder().setRegex(re).build();
  }

  @Test
  void pathSpecifiers_withCaseSensitivity() throws Exception {
    assertEquals(new Matchers.Prefix("/api", false), parse(RouteMatch.newBuilder().setPrefix("/api")).path());
    assertEquals(new Matchers.Exact("/api", true),
        parse(RouteMatch.newBuilder().setPath("/api").setCaseSensitive(BoolValue.of(false))).path());
    assertEquals(new Matchers.PathSeparatedPrefix("/api", false), parse(RouteMatch.newBuilder().setPathSeparatedPrefix("/api")).path());
    Matchers.StringMatcher regex = parse(RouteMatch.newBuilder().setSafeRegex(re("/v[0-9]+/.*"))).path();
    assertTrue(regex.matches("/v2/x"));
    assertFalse(regex.matches("/x/v2/x"), "safe_regex is a full match");
  }

  @Test
  void headerMatchers_allForms() throws Exception {
    RouteMatch.Builder m = RouteMatch.newBuilder().setPrefix("/")
        .addHeaders(HeaderMatcher.newBuilder().setName("X-User").setStringMatch(StringMatcher.newBuilder().setExact("Jason").setIgnoreCase(true)))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-a").setPrefixMatch("p"))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-b").setSafeRegexMatch(re("a+")))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-c").setPresentMatch(true))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-d").setPresentMatch(false))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-e").setStringMatch(StringMatcher.newBuilder().setExact("v"))
            .setInvertMatch(true).setTreatMissingHeaderAsEmpty(true))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-f"));
    var h = parse(m).headers();
    assertEquals(new Matchers.HeaderMatcher("x-user", new Matchers.Exact("Jason", true), false, false, false), h.get(0));
    assertEquals(new Matchers.Prefix("p", false), h.get(1).value());
    assertInstanceOf(Matchers.Regex.class, h.get(2).value());
    assertEquals(new Matchers.HeaderMatcher("x-c", null, true, false, false), h.get(3));
    assertEquals(new Matchers.HeaderMatcher("x-d", null, false, false, false), h.get(4));
    assertEquals(new Matchers.HeaderMatcher("x-e", new Matchers.Exact("v", false), false, true, true), h.get(5));
    assertEquals(new Matchers.HeaderMatcher("x-f", null, true, false, false), h.get(6), "no specifier means present");
  }

  @Test
  void queryParameters_stringOrPresent() throws Exception {
    RouteMatch.Builder m = RouteMatch.newBuilder().setPrefix("/")
        .addQueryParameters(QueryParameterMatcher.newBuilder().setName("v").setStringMatch(StringMatcher.newBuilder().setSuffix("2")))
        .addQueryParameters(QueryParameterMatcher.newBuilder().setName("debug").setPresentMatch(true));
    var q = parse(m).queryParams();
    assertEquals(new Matchers.QueryMatcher("v", new Matchers.Suffix("2", false)), q.get(0));
    assertNull(q.get(1).value());
  }

  @Test
  void grpcMatchOption_becomesContentTypeHeader() throws Exception {
    var h = parse(RouteMatch.newBuilder().setPrefix("/").setGrpc(RouteMatch.GrpcRouteMatchOptions.getDefaultInstance())).headers();
    assertEquals("content-type", h.get(0).name());
  }

  @Test
  void invalidRegex_namesFieldAndPattern() {
    assertTrue(errorFor(RouteMatch.newBuilder().setSafeRegex(re("(")))
        .startsWith("route_config r: virtual_hosts[0].routes[0].match.safe_regex.regex \"(\" is not a valid RE2 regex"));
    assertTrue(errorFor(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder().setName("x")
            .setStringMatch(StringMatcher.newBuilder().setSafeRegex(re("a(")))))
        .startsWith("route_config r: virtual_hosts[0].routes[0].match.headers[0].string_match.safe_regex.regex \"a(\""));
  }

  @Test
  void unsupportedConditions_areInvalidRatherThanIgnored() {
    assertEquals("route_config r: virtual_hosts[0].routes[0].match.runtime_fraction is not supported",
        errorFor(RouteMatch.newBuilder().setPrefix("/").setRuntimeFraction(RuntimeFractionalPercent.getDefaultInstance())));
    assertEquals("route_config r: virtual_hosts[0].routes[0].match.headers[0].range_match is not supported",
        errorFor(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder().setName("x")
            .setRangeMatch(Int64Range.newBuilder().setStart(1).setEnd(2)))));
    assertEquals("route_config r: virtual_hosts[0].routes[0].match has no path specifier "
        + "(expected: prefix, path, safe_regex or path_separated_prefix)", errorFor(RouteMatch.newBuilder()));
    assertEquals("route_config r: virtual_hosts[0].routes[0].match.path_separated_prefix \"/api/\" is invalid "
        + "(expected: non-empty, no '?' or '#', not ending in '/')", errorFor(RouteMatch.newBuilder().setPathSeparatedPrefix("/api/")));
  }
}
