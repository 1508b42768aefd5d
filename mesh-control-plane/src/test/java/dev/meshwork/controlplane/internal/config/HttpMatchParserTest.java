package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;

import org.junit.jupiter.api.Test;

class HttpMatchParserTest {
  private static LoadResult vs(String http) {
    return TestConfigs.reviewsVirtualService(http);
  }

  @Test
  void badRegex_reportsTheRegexAndRe2Message() {
    LoadResult r = vs("""
        - match:
          - uri: {regex: "/api/(v1"}
          route: [{destination: {host: reviews}}]
        """);
    assertError(r, "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].match[0].uri.regex: regex \"/api/(v1\" "
        + "is not valid RE2: missing closing )");
  }

  @Test
  void re2RejectsBackreferences_thatJavaRegexWouldAccept() {
    assertError(vs("""
        - match:
          - headers: {x-a: {regex: "(a)\\\\1"}}
          route: [{destination: {host: reviews}}]
        """), "spec.http[0].match[0].headers.x-a.regex: regex", "is not valid RE2");
  }

  @Test
  void stringMatch_needsExactlyOneKind_andEmptyMeansPresenceOnlyForHeaders() {
    LoadResult r = vs("""
        - match:
          - uri: {}
            method: {exact: GET, prefix: G}
            headers: {x-a: null}
          route: [{destination: {host: reviews}}]
        """);
    assertError(r, "spec.http[0].match[0].uri: empty match: expected exactly one of exact, prefix, regex");
    assertError(r, "spec.http[0].match[0].method: expected exactly one of exact, prefix, regex (got 2)");
    assertError(r, "spec.http[0].match[0].headers.x-a: must not be null");
  }

  @Test
  void headerNames_mustBeLowercase() {
    assertError(vs("""
        - match: [{headers: {X-Canary: {exact: "1"}}}]
          route: [{destination: {host: reviews}}]
        """), "spec.http[0].match[0].headers.X-Canary: header name \"X-Canary\" must be lowercase (write x-canary)");
  }

  @Test
  void unsupportedMatchFields_andQueryParamPrefix_areErrors() {
    LoadResult r = vs("""
        - match: [{sourceLabels: {app: a}, port: 80, queryParams: {q: {prefix: a}}}]
          route: [{destination: {host: reviews}}]
        """);
    assertError(r, "spec.http[0].match[0].sourceLabels: not supported by Meshwork yet");
    assertError(r, "spec.http[0].match[0].port: not supported by Meshwork yet");
    assertError(r, "spec.http[0].match[0].queryParams.q.prefix: not supported by Istio for query parameters");
  }
}
