package dev.meshwork.controlplane.internal.ca;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the control plane's CA is built from. Immutable; validated on construction.
 *
 * @param trustDomain SPIFFE trust domain, e.g. {@code cluster.local}
 * @param directory where the self-managed root lives (created on first start); null keeps a
 *     generated root in memory only. Unused when a signing certificate is given.
 * @param signingCertificate operator-provided CA certificate (PEM, root or intermediate), or null
 * @param signingKey its private key (PEM), required with {@code signingCertificate}
 * @param signingChain optional PEM chain from the signing certificate's issuer up to the root
 * @param additionalRoots optional PEM file of further roots for the trust bundle (root rotation)
 * @param joinTokenFiles YAML files of join tokens
 * @param joinTokens join tokens given programmatically
 * @param defaultTtl certificate lifetime when a request asks for none
 * @param maxTtl longest lifetime granted; longer requests are capped
 */
public record CaConfig(String trustDomain, Path directory, Path signingCertificate, Path signingKey, Path signingChain,
    Path additionalRoots, List<Path> joinTokenFiles, List<JoinToken> joinTokens, Duration defaultTtl, Duration maxTtl) {
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

  /** Validates every argument; messages name the setting. */
  public CaConfig {
    checkTrustDomain(trustDomain);
    if ((signingCertificate == null) != (signingKey == null)) {
      throw new IllegalArgumentException("caSigningCertificate: a certificate and its key go together");
    }
    if (signingChain != null && signingCertificate == null) {
      throw new IllegalArgumentException("caSigningCertificate: a chain without a signing certificate");
    }
    joinTokenFiles = List.copyOf(joinTokenFiles);
    joinTokens = List.copyOf(joinTokens);
    checkTtl("defaultCertificateTtl", defaultTtl);
    checkTtl("maxCertificateTtl", maxTtl);
    if (defaultTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("defaultCertificateTtl: " + defaultTtl + " (expected: <= maxCertificateTtl "
          + maxTtl + ")");
    }
  }

  /** Throws unless {@code trustDomain} is a valid SPIFFE trust domain name. */
  public static String checkTrustDomain(String trustDomain) {
    if (trustDomain == null || !TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw new IllegalArgumentException("trustDomain: " + trustDomain
          + " (expected: lowercase letters, digits, '.', '-', '_', as in cluster.local)");
    }
    return trustDomain;
  }

  /** Throws unless {@code ttl} is at least one second. */
  public static Duration checkTtl(String name, Duration ttl) {
    if (ttl == null || ttl.getSeconds() < 1) {
      throw new IllegalArgumentException(name + ": " + ttl + " (expected: >= 1s)");
    }
    return ttl;
  }
}
