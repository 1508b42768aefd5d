package dev.meshwork.core.internal.telemetry;

/** Status codes as strings without allocating on the call path (0-999 are interned once). */
public final class StatusCodes {
  private static final String[] CODES = new String[1000];

  static {
    for (int i = 0; i < CODES.length; i++) {
      CODES[i] = Integer.toString(i).intern();
    }
  }

  private StatusCodes() {}

  /** {@code "503"} for 503; codes outside 0-999 are formatted per call. */
  public static String of(int code) {
    return code >= 0 && code < CODES.length ? CODES[code] : Integer.toString(code);
  }
}
