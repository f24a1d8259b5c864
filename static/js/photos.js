// Photos: a before/after slider below the side-by-side pair, and a camera view with the
// first photo as a faint guide. Both are extras: without them the page works as it is.
(function () {
  "use strict";

  var t = window.afterglowText;  // static/js/app.js: the words of templates/_js_strings.html

  // Before/after slider: the before photo on the left of a divider, the after photo on its
  // right, and a range input right under it whose thumb is the divider's handle. The frame
  // spans exactly the thumb's travel (app.css), so the divider stays over the thumb's centre.
  var pair = document.querySelector("[data-compare]");
  var before = pair && pair.querySelector("[data-compare-before]");
  var after = pair && pair.querySelector("[data-compare-after]");
  if (before && after) {
    var slider = document.createElement("div");
    slider.className = "compare-slider";
    var label = document.createElement("label");
    label.htmlFor = "compare-divider";
    label.textContent = t("sliderLabel");
    var frame = document.createElement("div");
    frame.className = "slider-frame";
    frame.style.aspectRatio = before.getAttribute("width") + " / " + before.getAttribute("height");
    var under = before.cloneNode();
    var over = after.cloneNode();
    under.removeAttribute("data-compare-before");
    over.removeAttribute("data-compare-after");
    under.alt = "";  // the figures above already describe both photos
    over.alt = "";
    under.className = "slider-before";
    over.className = "slider-after";
    frame.appendChild(under);
    frame.appendChild(over);
    [[t("before"), "slider-side slider-side-before"], [t("after"), "slider-side slider-side-after"], ["", "slider-divider"]]
      .forEach(function (part) {
        var mark = document.createElement("span");
        mark.className = part[1];
        mark.textContent = part[0];
        mark.setAttribute("aria-hidden", "true");  // the slider's label names the sides
        frame.appendChild(mark);
      });
    var range = document.createElement("input");
    range.type = "range";
    range.id = "compare-divider";
    range.className = "slider-range";
    range.min = "0";
    range.max = "100";
    range.value = "50";
    function place() {
      // The divider sits where the thumb is: value% of the way across the frame.
      frame.style.setProperty("--divider", range.value + "%");
      range.setAttribute("aria-valuetext", t("sliderValue", { before: range.value, after: 100 - range.value }));
    }
    range.addEventListener("input", place);
    place();
    slider.appendChild(label);
    slider.appendChild(frame);
    slider.appendChild(range);
    pair.parentNode.insertBefore(slider, pair.nextSibling);
  }

  // Camera with a guide: where the browser may open the camera, the first photo of the
  // series shows faintly over the live view so the new photo lines up with it.
  var camera = document.querySelector("[data-camera]");
  var input = document.querySelector("input[type=file][name=photo]");
  var canUseCamera = camera && input && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
    window.DataTransfer && HTMLCanvasElement.prototype.toBlob;
  if (!canUseCamera) { return; }
  camera.hidden = false;
  var start = camera.querySelector("[data-camera-start]");
  var view = camera.querySelector("[data-camera-view]");
  var video = view.querySelector("video");
  var guide = camera.querySelector("[data-camera-guide]");
  var shot = camera.querySelector("[data-camera-shot]");
  var shoot = camera.querySelector("[data-camera-shoot]");
  var status = camera.querySelector("[data-camera-status]");
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
  }

  start.addEventListener("click", function () {
    guide.src = camera.getAttribute("data-guide-src");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user", width: { ideal: 1920 } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      }).then(function () {
        view.hidden = false;
        shot.hidden = true;
        shoot.hidden = false;
        start.textContent = t("cameraAgain");
        status.textContent = t("cameraLineUp");
      }).catch(function () {
        stop();
        status.textContent = t("cameraFailed");
      });
  });

  shoot.addEventListener("click", function () {
    shot.width = video.videoWidth;
    shot.height = video.videoHeight;
    shot.getContext("2d").drawImage(video, 0, 0, shot.width, shot.height);
    shot.toBlob(function (blob) {
      if (!blob) { return; }
      var files = new DataTransfer();
      files.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      stop();
      view.hidden = true;
      shoot.hidden = true;
      shot.hidden = false;
      status.textContent = t("photoTaken");
    }, "image/jpeg", 0.92);
  });

  window.addEventListener("pagehide", stop);
})();
