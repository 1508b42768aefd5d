package dev.meshwork.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Measured values by name, one per run; median and spread over the runs. Not thread-safe. */
final class Figures {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();

  void add(String key, double value) {
    values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  List<Double> all(String key) {
    List<Double> v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no figure " + key);
    }
    return v;
  }

  double median(String key) {
    return median(all(key));
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  double min(String key) {
    return all(key).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  double max(String key) {
    return all(key).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** Per-run ratio a/b (runs paired by index). */
  List<Double> ratio(String a, String b) {
    List<Double> x = all(a);
    List<Double> y = all(b);
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      r.add(x.get(i) / y.get(i));
    }
    return r;
  }

  /** "median (min–max)" with the given format. */
  String cell(String key, String fmt) {
    return cell(all(key), fmt);
  }

  static String cell(List<Double> v, String fmt) {
    double min = v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return String.format(fmt, median(v)) + " (" + String.format(fmt, min) + "–" + String.format(fmt, max) + ")";
  }
}
