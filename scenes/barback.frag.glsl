// VIZ-BAR outside the bars' reach: the static backdrop, dithered (bar.frag.glsl draws the rest).
uniform vec2 u_origin;       // the panel's lower-left corner in the frame (a viewport)
uniform sampler2D u_background;
out vec4 fragColor;

float hash12(vec2 p) {
    vec3 p3 = fract(vec3(p.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.x + p3.y) * p3.z);
}

void main() {
    vec2 frag = gl_FragCoord.xy - u_origin;
    vec3 col = texelFetch(u_background, ivec2(frag), 0).rgb + (hash12(frag) - 0.5) / 255.0;
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
