package dev.meshwork.spring.inbound;

import dev.meshwork.core.identity.SpiffeId;
import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import dev.meshwork.core.inbound.InboundTls;
import dev.meshwork.core.telemetry.MeshTelemetry;
import dev.meshwork.core.telemetry.ServerObservation;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The mesh's inbound side for a servlet application, per request: reads the caller's SPIFFE ID
 * from the TLS session (exposed as {@link MeshPeer}), enforces the control plane's
 * AuthorizationPolicy (and, under PeerAuthentication STRICT, refuses callers without a client
 * certificate) with a {@code 403} and a short body, and records a server span (current while the
 * rest of the chain runs) plus request metrics and the access log through {@link MeshTelemetry}.
 *
 * <p>Thread-safe and stateless per request. Denials are logged by mesh-core on
 * {@code dev.meshwork.authz}. Before the server's inbound policy is known requests wait up to the
 * lookup timeout and are then denied (fail closed).
 */
public class MeshInboundFilter extends OncePerRequestFilter {
  /** The servlet attribute holding the client's certificate chain. */
  static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";
  /** Envoy's body for an RBAC denial; the reason follows on the next line. */
  static final String DENIED = "RBAC: access denied";

  private static final TextMapGetter<HttpServletRequest> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpServletRequest carrier) {
      return Collections.list(carrier.getHeaderNames());
    }

    @Override
    public String get(HttpServletRequest carrier, String key) {
      return carrier == null ? null : carrier.getHeader(key);
    }
  };

  private final InboundPolicy policy;
  private final MeshTelemetry telemetry;

  /** A filter enforcing {@code policy} and observing through {@code telemetry}. */
  public MeshInboundFilter(InboundPolicy policy, MeshTelemetry telemetry) {
    this.policy = policy;
    this.telemetry = telemetry;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    X509Certificate leaf = request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certs && certs.length > 0
        ? certs[0] : null;
    Optional<SpiffeId> peer = leaf == null ? Optional.empty() : SpiffeId.fromCertificate(leaf);
    peer.ifPresent(id -> request.setAttribute(MeshPeer.ATTRIBUTE, id));
    String principal = peer.map(SpiffeId::toString)
        .orElse(leaf == null ? null : leaf.getSubjectX500Principal().getName());
    String target = request.getQueryString() == null ? request.getRequestURI()
        : request.getRequestURI() + "?" + request.getQueryString();
    ServerObservation observation = telemetry.startServer("http", request.getMethod(), target, request, GETTER,
        peer.map(SpiffeId::toString).orElse(null));
    boolean async = false;
    Throwable failure = null;
    try (Scope scope = observation.context().makeCurrent()) {
      AuthzDecision decision = leaf == null && policy.tlsMode() == InboundTls.MTLS_REQUIRED
          ? AuthzDecision.deny("mutual TLS required (PeerAuthentication STRICT): no client certificate")
          : policy.check(inboundRequest(request, principal, target));
      if (!decision.allowed()) {
        deny(response, decision);
        return;
      }
      chain.doFilter(request, response);
      if (request.isAsyncStarted()) {
        async = true;
        request.getAsyncContext().addListener(new EndOnComplete(observation, response));
      }
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (!async) {
        observation.end(Integer.toString(failure != null && response.getStatus() < 400 ? 500 : response.getStatus()),
            failure);
      }
    }
  }

  private static InboundRequest inboundRequest(HttpServletRequest request, String principal, String target) {
    InboundRequest.Headers headers = name -> {
      var values = request.getHeaders(name);
      if (values == null || !values.hasMoreElements()) {
        return null;
      }
      return String.join(",", Collections.list(values));
    };
    return new InboundRequest(principal, request.getMethod(), target, headers, ip(request.getRemoteAddr()),
        ip(request.getLocalAddr()), request.getLocalPort());
  }

  /** An IP literal as an address (no name lookup); null when absent or not a literal. */
  private static InetAddress ip(String literal) {
    if (literal == null || literal.isEmpty() || !(Character.isDigit(literal.charAt(0)) || literal.contains(":"))) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      return null;
    }
  }

  private static void deny(HttpServletResponse response, AuthzDecision decision) throws IOException {
    byte[] body = (DENIED + "\n" + decision.reason() + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("text/plain;charset=UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }

  /** Ends the observation of an async request once, when it completes or fails. */
  private static final class EndOnComplete implements AsyncListener {
    private final ServerObservation observation;
    private final HttpServletResponse response;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    EndOnComplete(ServerObservation observation, HttpServletResponse response) {
      this.observation = observation;
      this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      if (ended.compareAndSet(false, true)) {
        observation.end(Integer.toString(response.getStatus()), null);
      }
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {
      if (ended.compareAndSet(false, true)) {
        observation.end(Integer.toString(response.getStatus() < 400 ? 500 : response.getStatus()),
            event.getThrowable());
      }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }
}
