package dev.meshwork.core.internal.model;

import com.google.re2j.Pattern;
import dev.meshwork.core.engine.MeshRequest;
import java.util.List;

/** Request matchers, compiled once. */
public final class Matchers {
  private Matchers() {}

  /** A string matcher (Envoy StringMatcher); regexes are RE2 like Envoy's and gRPC's. */
  public sealed interface StringMatcher {
    boolean matches(String value);
  }

  public record Exact(String value, boolean ignoreCase) implements StringMatcher {
    @Override
    public boolean matches(String v) {
      return ignoreCase ? value.equalsIgnoreCase(v) : value.equals(v);
    }
  }

  public record Prefix(String value, boolean ignoreCase) implements StringMatcher {
    @Override
    public boolean matches(String v) {
      return ignoreCase ? v.regionMatches(true, 0, value, 0, value.length()) : v.startsWith(value);
    }
  }

  public record Suffix(String value, boolean ignoreCase) implements StringMatcher {
    @Override
    public boolean matches(String v) {
      return ignoreCase ? v.regionMatches(true, v.length() - value.length(), value, 0, value.length()) : v.endsWith(value);
    }
  }

  public record Contains(String value, boolean ignoreCase) implements StringMatcher {
    @Override
    public boolean matches(String v) {
      if (!ignoreCase) {
        return v.contains(value);
      }
      // Region scan instead of lower-casing both strings: no allocation per request.
      for (int i = 0, last = v.length() - value.length(); i <= last; i++) {
        if (v.regionMatches(true, i, value, 0, value.length())) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Envoy path_separated_prefix: the path equals the prefix or continues with '/' after it, so
   * {@code /api} matches {@code /api} and {@code /api/v1} but not {@code /apis}.
   */
  public record PathSeparatedPrefix(String value, boolean ignoreCase) implements StringMatcher {
    @Override
    public boolean matches(String v) {
      int n = value.length();
      return v.regionMatches(ignoreCase, 0, value, 0, n) && (v.length() == n || v.charAt(n) == '/');
    }
  }

  /** Full match, as Envoy's safe_regex. */
  public record Regex(Pattern pattern) implements StringMatcher {
    @Override
    public boolean matches(String v) {
      return pattern.matches(v);
    }
  }

  /**
   * Envoy HeaderMatcher. {@code value} null means present_match (presence); {@code invert} flips
   * the result, and as in Envoy a missing header never matches a value matcher even inverted,
   * unless {@code treatMissingAsEmpty}.
   */
  public record HeaderMatcher(String name, StringMatcher value, boolean presentMatch, boolean invert,
      boolean treatMissingAsEmpty) {
    public boolean matches(MeshRequest r) {
      return matchesValue(r.header(name));
    }

    /**
     * Same as {@link #matches(MeshRequest)} for a value found elsewhere (the router reads pseudo
     * headers such as {@code :method} from the request itself); null means the header is missing.
     */
    public boolean matchesValue(String v) {
      if (value == null) {
        return (v != null) == presentMatch ^ invert;
      }
      if (v == null) {
        if (!treatMissingAsEmpty) {
          return false;
        }
        v = "";
      }
      return value.matches(v) ^ invert;
    }
  }

  /** Envoy QueryParameterMatcher: value null means present_match. */
  public record QueryMatcher(String name, StringMatcher value) {}

  /** Envoy RouteMatch: path (prefix/path/safe_regex/path_separated_prefix), headers, query. */
  public record RouteMatcher(StringMatcher path, List<HeaderMatcher> headers, List<QueryMatcher> queryParams) {
    public RouteMatcher {
      headers = List.copyOf(headers);
      queryParams = List.copyOf(queryParams);
    }
  }
}
