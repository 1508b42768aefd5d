package dev.meshwork.examples.bookstore.productpage;

import dev.meshwork.spring.MeshClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;

/** The reviews service, called through the mesh ({@code http://reviews}). */
@MeshClient("reviews")
public interface Reviews {
  /** The reviews of one product, as the signed-in user sees them. */
  @GetExchange("/reviews/{id}")
  String byId(@PathVariable("id") String id, @RequestHeader(name = "end-user", required = false) String user);
}
