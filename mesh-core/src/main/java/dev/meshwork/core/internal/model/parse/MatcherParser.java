package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.meshwork.core.internal.model.Matchers;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Locale;

/** Envoy string, regex, header and query parameter matchers to compiled {@link Matchers}. */
final class MatcherParser {
  private MatcherParser() {}

  static Matchers.StringMatcher string(StringMatcher m) {
    boolean ic = m.getIgnoreCase();
    return switch (m.getMatchPatternCase()) {
      case EXACT -> new Matchers.Exact(m.getExact(), ic);
      case PREFIX -> new Matchers.Prefix(m.getPrefix(), ic);
      case SUFFIX -> new Matchers.Suffix(m.getSuffix(), ic);
      case CONTAINS -> new Matchers.Contains(m.getContains(), ic);
      // Envoy ignores ignore_case for regexes too.
      case SAFE_REGEX -> at("safe_regex", () -> regex(m.getSafeRegex()));
      case CUSTOM -> throw new BadField("custom", m.getCustom().getName() + " is not supported");
      case MATCHPATTERN_NOT_SET -> throw new BadField("", "sets no match pattern (expected: exact, prefix, suffix, contains or safe_regex)");
    };
  }

  /** RE2 like Envoy (whose only engine is RE2) and gRPC; matched against the whole value. */
  static Matchers.Regex regex(RegexMatcher m) {
    try {
      return new Matchers.Regex(Pattern.compile(m.getRegex()));
    } catch (PatternSyntaxException e) {
      throw new BadField("regex", Protos.quote(m.getRegex()) + " is not a valid RE2 regex: " + e.getDescription());
    }
  }

  static Matchers.HeaderMatcher header(HeaderMatcher h) {
    if (h.getName().isEmpty()) {
      throw new BadField("name", "is empty");
    }
    // MeshRequest hands out lower-case names (HTTP/2 style), as Envoy's LowerCaseString does.
    String name = h.getName().toLowerCase(Locale.ROOT);
    boolean invert = h.getInvertMatch();
    boolean missingAsEmpty = h.getTreatMissingHeaderAsEmpty();
    Matchers.StringMatcher value = switch (h.getHeaderMatchSpecifierCase()) {
      case STRING_MATCH -> at("string_match", () -> string(h.getStringMatch()));
      case EXACT_MATCH -> new Matchers.Exact(h.getExactMatch(), false);
      case PREFIX_MATCH -> new Matchers.Prefix(h.getPrefixMatch(), false);
      case SUFFIX_MATCH -> new Matchers.Suffix(h.getSuffixMatch(), false);
      case CONTAINS_MATCH -> new Matchers.Contains(h.getContainsMatch(), false);
      case SAFE_REGEX_MATCH -> at("safe_regex_match", () -> regex(h.getSafeRegexMatch()));
      case PRESENT_MATCH -> null;
      // Envoy treats a matcher without a specifier as "header present".
      case HEADERMATCHSPECIFIER_NOT_SET -> null;
      case RANGE_MATCH -> throw new BadField("range_match", "is not supported");
    };
    if (value == null) {
      boolean present = h.getHeaderMatchSpecifierCase() != HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH
          || h.getPresentMatch();
      return new Matchers.HeaderMatcher(name, null, present, invert, false);
    }
    return new Matchers.HeaderMatcher(name, value, false, invert, missingAsEmpty);
  }

  /**
   * Neither string_match nor present_match means "present", as in Envoy; so does present_match
   * false (Envoy has no absence match for query parameters).
   */
  static Matchers.QueryMatcher query(QueryParameterMatcher q) {
    if (q.getName().isEmpty()) {
      throw new BadField("name", "is empty");
    }
    if (q.getQueryParameterMatchSpecifierCase() == QueryParameterMatcher.QueryParameterMatchSpecifierCase.STRING_MATCH) {
      return new Matchers.QueryMatcher(q.getName(), at("string_match", () -> string(q.getStringMatch())));
    }
    return new Matchers.QueryMatcher(q.getName(), null);
  }
}
