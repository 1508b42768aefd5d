package dev.meshwork.controlplane.internal.model;

import java.util.Map;

/**
 * One Istio HTTPMatchRequest: every condition must hold. Null or empty means "no condition".
 * Maps are unordered: the translator sorts header and parameter matchers by name, as istiod does.
 */
public record HttpMatch(
    String name,
    StringMatch uri,
    boolean ignoreUriCase,
    StringMatch method,
    Map<String, StringMatch> headers,
    Map<String, StringMatch> withoutHeaders,
    Map<String, StringMatch> queryParams) {
  public HttpMatch {
    headers = Map.copyOf(headers);
    withoutHeaders = Map.copyOf(withoutHeaders);
    queryParams = Map.copyOf(queryParams);
  }
}
