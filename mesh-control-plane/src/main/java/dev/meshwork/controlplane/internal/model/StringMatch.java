package dev.meshwork.controlplane.internal.model;

/**
 * Istio StringMatch. {@link Kind#PRESENT} is Istio's empty match ({@code x-foo: {}}), which only
 * checks presence. Regexes are RE2 and were compiled once by the loader to prove they are valid.
 */
public record StringMatch(Kind kind, String value) {
  /** Match kinds. */
  public enum Kind { EXACT, PREFIX, REGEX, PRESENT }

  public static StringMatch present() {
    return new StringMatch(Kind.PRESENT, "");
  }
}
