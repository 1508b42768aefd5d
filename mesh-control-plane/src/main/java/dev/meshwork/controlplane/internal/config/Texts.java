package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;

/** How user values appear in error messages: described, quoted, escaped, bounded. Stateless. */
final class Texts {
  private Texts() {}

  static String describe(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isBoolean()) {
      return "a boolean (" + v.asText() + ")";
    }
    if (v.isNumber()) {
      return "a number (" + abbreviate(v.asText()) + ")";
    }
    if (v.isTextual()) {
      return "a string (" + quote(v.textValue()) + ")";
    }
    return v.getNodeType().toString().toLowerCase();
  }

  /** User text in a message: quoted, control characters escaped so an error stays one line. */
  static String quote(String s) {
    return "\"" + abbreviate(escape(s)) + "\"";
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
