/**
 * Entry point of dist/widget.js, embedded with one tag:
 *
 *   <script src="https://HOST/widget.js" data-key="pk_..." async></script>
 *
 * It reads its own tag, renders the widget in a shadow root once <body> exists and defines
 * one global, `window.Perceptron`: open(), close(), identify(token), shutdown().
 */

import { install } from "./install";

install(window, document, document.currentScript);
