# The app servers behind Varnish (copy to bigsoc-backends.vcl beside varnish.vcl). Each is
# probed on /healthz; one that fails is left out until it answers again.
probe healthz {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "10.0.0.11"; .port = "8000"; .probe = healthz; }
backend app2 { .host = "10.0.0.12"; .port = "8000"; .probe = healthz; }

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}
