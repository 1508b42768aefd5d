package dev.meshwork.spring.inbound;

import java.security.KeyStore;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/** A {@link TrustManagerFactory} handing out one existing trust manager (the identity's, which rotates). */
final class SingleTrustManagerFactory extends TrustManagerFactory {
  SingleTrustManagerFactory(TrustManager manager) {
    super(new Spi(manager), null, "meshwork");
  }

  private static final class Spi extends TrustManagerFactorySpi {
    private final TrustManager manager;

    Spi(TrustManager manager) {
      this.manager = manager;
    }

    @Override
    protected void engineInit(KeyStore ks) {}

    @Override
    protected void engineInit(ManagerFactoryParameters spec) {}

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      return new TrustManager[] {manager};
    }
  }
}
