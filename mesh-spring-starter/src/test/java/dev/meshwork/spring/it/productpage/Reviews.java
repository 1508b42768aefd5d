package dev.meshwork.spring.it.productpage;

import dev.meshwork.spring.MeshClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;

/** The reviews service, called through the mesh. */
@MeshClient("reviews")
public interface Reviews {
  @GetExchange("/reviews/{id}")
  String byId(@PathVariable("id") String id, @RequestHeader("end-user") String user);
}
