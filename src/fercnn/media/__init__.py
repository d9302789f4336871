"""What a user points the package at: ``photos`` read into arrays, ``inputs`` gathered from
paths and folders, ``video_frames`` read from files and cameras, and a ``sample_video`` made up
for trying it all.
"""
