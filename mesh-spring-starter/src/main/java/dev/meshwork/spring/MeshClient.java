package dev.meshwork.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A client of a mesh service.
 *
 * <p>On an <b>interface</b> whose methods carry Spring's HTTP interface annotations
 * ({@code @GetExchange}, {@code @PostExchange}, {@code @PathVariable}, {@code @RequestBody}…): the
 * interface becomes a bean calling {@code http://<value>} through the mesh (found by scanning the
 * application's packages, or those of {@link EnableMeshClients}).
 *
 * <pre>{@code
 * @MeshClient("reviews")
 * interface Reviews {
 *   @GetExchange("/reviews/{id}") String byId(@PathVariable String id, @RequestHeader("end-user") String user);
 * }
 * }</pre>
 *
 * <p>On a <b>field or constructor parameter</b> of a generated gRPC stub type
 * ({@code RatingsGrpc.RatingsBlockingStub}…): injected with a stub on the mesh channel
 * {@code xds:///<value>}.
 */
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MeshClient {
  /** The mesh service, e.g. {@code reviews}; for HTTP optionally with a port ({@code reviews:9080}). */
  String value();
}
