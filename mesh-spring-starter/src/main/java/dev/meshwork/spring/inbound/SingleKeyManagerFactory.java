package dev.meshwork.spring.inbound;

import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;

/** A {@link KeyManagerFactory} handing out one existing key manager (the identity's, which rotates). */
final class SingleKeyManagerFactory extends KeyManagerFactory {
  SingleKeyManagerFactory(KeyManager manager) {
    super(new Spi(manager), null, "meshwork");
  }

  private static final class Spi extends KeyManagerFactorySpi {
    private final KeyManager manager;

    Spi(KeyManager manager) {
      this.manager = manager;
    }

    @Override
    protected void engineInit(KeyStore ks, char[] password) {}

    @Override
    protected void engineInit(ManagerFactoryParameters spec) {}

    @Override
    protected KeyManager[] engineGetKeyManagers() {
      return new KeyManager[] {manager};
    }
  }
}
