// Ten thin live bars under a panel: the values that drive it (compare --show-params).
uniform float u_values[10];
uniform vec4 u_rect;         // the strip: x, y (lower-left), width, height, in pixels
out vec4 fragColor;

void main() {
    vec2 uv = (gl_FragCoord.xy - u_rect.xy) / u_rect.zw;
    float slot = clamp(floor(uv.x * 10.0), 0.0, 9.0);
    float across = fract(uv.x * 10.0);
    float bar = step(0.15, across) * step(across, 0.85) * step(uv.y, u_values[int(slot)]);
    vec3 colour = mix(vec3(0.10, 0.10, 0.14), vec3(1.0, 0.82, 0.35), bar);
    float alpha = mix(0.55, 0.95, bar);
    fragColor = vec4(colour * alpha, alpha);   // premultiplied
}
