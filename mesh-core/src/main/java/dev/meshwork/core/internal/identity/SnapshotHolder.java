package dev.meshwork.core.internal.identity;

/**
 * The current identity and the one before it. Written by the renewal thread only, read from any
 * thread without locks. The previous snapshot stays reachable by alias so a TLS handshake that
 * picked its alias just before a rotation still gets the matching key and chain.
 */
public final class SnapshotHolder {
  private record Pair(CertSnapshot current, CertSnapshot previous) {}

  private volatile Pair pair;

  public SnapshotHolder(CertSnapshot first) {
    this.pair = new Pair(first, null);
  }

  public CertSnapshot current() {
    return pair.current();
  }

  /** The snapshot named {@code alias}: the current one, the previous one, or null. */
  public CertSnapshot byAlias(String alias) {
    Pair p = pair;
    if (p.current().alias().equals(alias)) {
      return p.current();
    }
    return p.previous() != null && p.previous().alias().equals(alias) ? p.previous() : null;
  }

  /** Publishes {@code next}; the current one becomes the previous. */
  public void swap(CertSnapshot next) {
    pair = new Pair(next, pair.current());
  }
}
